/* castore.h - where this machine keeps its trusted CA certificates.
 *
 * The release binary carries its own OpenSSL and libcurl, built on Debian:
 * their compiled-in CA paths exist on Debian and Ubuntu only.  The system's
 * bundle is found at run time instead, as Go's crypto/x509 does. */
#ifndef ML7_CASTORE_H
#define ML7_CASTORE_H

/* $SSL_CERT_FILE when set and not empty; else the first bundle that exists of
 * Debian/Ubuntu, Fedora/RHEL, openSUSE, OpenELEC, CentOS/RHEL 7 and Alpine;
 * else NULL (the TLS library's own default then applies).  Borrowed. */
const char *ml7_system_ca_file(void);

/* The hashed certificate folder (OpenSSL's c_rehash layout) trusted beside the
 * bundle: $SSL_CERT_DIR when set and not empty (a ':'-separated list is fine),
 * else /etc/ssl/certs when it is a folder, else NULL.  Borrowed. */
const char *ml7_system_ca_dir(void);

#endif
