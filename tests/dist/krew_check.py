#!/usr/bin/python3
"""krew_check.py - Krew's manifest rules and Krew's install, without Krew.

  krew_check.py validate MANIFEST
      every rule of krew's ValidatePlugin (internal/index/validation/validate.go) and of
      the krew-index CI (cmd/validate-krew-manifest: .yaml extension, name = file name,
      each selector matches a supported os/arch, no two selectors overlap, a license
      file among the installed files - checked by installing every platform), plus
      its line-length warnings.
  krew_check.py install MANIFEST KREW_ROOT [--os OS] [--arch ARCH] [--archive FILE]
      installs as `kubectl krew install --manifest` does: first matching platform,
      download (file:// or http://) or --archive, sha256 check, archive type from the
      content, tar/zip rules (regular files and folders only, no suspicious paths),
      the `files` moves, store/NAME/VERSION, the relative link bin/kubectl-NAME (dashes
      to underscores) and the receipt.  Prints the link's path.
Exit status 0 when all is well, 1 with one line per problem on stderr.
"""
import glob
import hashlib
import io
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
import zipfile

import yaml

API_VERSION = "krew.googlecontainertools.github.com/v1alpha2"
SUPPORTED = [("windows", "386"), ("windows", "amd64"), ("windows", "arm64"), ("linux", "386"),
             ("linux", "amd64"), ("linux", "arm"), ("linux", "arm64"), ("linux", "ppc64le"),
             ("darwin", "386"), ("darwin", "amd64"), ("darwin", "arm64")]
WINDOWS_FORBIDDEN = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | \
    {f"LPT{i}" for i in range(1, 10)}
LICENSE_NAMES = {"license", "license.txt", "license.md", "licenses", "licenses.txt",
                 "licenses.md", "copying", "copying.txt"}
# k8s.io/apimachinery ParseSemantic after krew's "v" check
SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
                    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")


class Invalid(Exception):
    pass


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        raise Invalid(f"{path}: not a YAML mapping")
    return doc


def selector_matches(sel, os_, arch):
    labels = {"os": os_, "arch": arch}
    for k, v in (sel.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in sel.get("matchExpressions") or []:
        key, op, vals = e.get("key"), e.get("operator"), e.get("values") or []
        have = key in labels
        if op == "In" and not (have and labels[key] in vals):
            return False
        if op == "NotIn" and have and labels[key] in vals:
            return False
        if op == "Exists" and not have:
            return False
        if op == "DoesNotExist" and have:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            raise Invalid(f"selector operator {op!r} is not valid")
    return True


def validate_selector(sel):
    if sel is None:
        raise Invalid("nil selector is not supported")
    ml, me = sel.get("matchLabels"), sel.get("matchExpressions")
    if ml is None and not me:
        raise Invalid("empty selector is not supported")
    keys = list((ml or {}).keys()) + [e.get("key") for e in me or []]
    for k in keys:
        if k not in ("os", "arch"):
            raise Invalid(f"invalid platform selector: key {k!r} not supported")
    if ml is not None and len(ml) == 0:
        raise Invalid("`matchLabels` specified but empty")
    if me is not None and len(me) == 0:
        raise Invalid("`matchExpressions` specified but empty")


def validate_platform(p):
    if not p.get("uri"):
        raise Invalid("`uri` has to be set")
    if not p.get("sha256"):
        raise Invalid("`sha256` sum has to be set")
    if not re.fullmatch(r"[a-f0-9]{64}", str(p["sha256"])):
        raise Invalid(f"`sha256` value {p['sha256']} is not valid, must match ^[a-f0-9]{{64}}$")
    if not p.get("bin"):
        raise Invalid("`bin` has to be set")
    if "files" in p:
        files = p["files"]
        if files is not None:
            if len(files) == 0:
                raise Invalid("`files` has to be unspecified or non-empty")
            for op in files:
                if not op.get("from"):
                    raise Invalid("`from` field has to be set")
                if not op.get("to"):
                    raise Invalid("`to` field has to be set")
    validate_selector(p.get("selector"))


def validate_plugin(name, doc):
    """krew's ValidatePlugin(name, p)"""
    if doc.get("apiVersion") != API_VERSION:
        raise Invalid(f"plugin manifest has apiVersion={doc.get('apiVersion')!r}, not supported")
    if doc.get("kind") != "Plugin":
        raise Invalid(f"plugin manifest has kind={doc.get('kind')!r}, but only 'Plugin' is supported")
    if not re.fullmatch(r"[\w-]+", name, re.ASCII) or name.upper() in WINDOWS_FORBIDDEN:
        raise Invalid(f"the plugin name {name!r} is not allowed, must match ^[\\w-]+$")
    meta_name = (doc.get("metadata") or {}).get("name")
    if meta_name != name:
        raise Invalid(f"plugin should be named {name!r}, not {meta_name!r}")
    spec = doc.get("spec") or {}
    sd = spec.get("shortDescription") or ""
    if not sd:
        raise Invalid("should have a short description")
    if "\r" in sd or "\n" in sd:
        raise Invalid("should not have line breaks in short description")
    if not spec.get("platforms"):
        raise Invalid("should have a platform specified")
    v = spec.get("version")
    if not v:
        raise Invalid("should have a version specified")
    if not str(v).startswith("v"):
        raise Invalid(f"failed to parse plugin version: version string {v!r} not starting with 'v'")
    if not SEMVER.match(str(v)[1:]):
        raise Invalid(f"failed to parse plugin version: {v!r} is not semantic")
    for i, p in enumerate(spec["platforms"]):
        try:
            validate_platform(p)
        except Invalid as e:
            raise Invalid(f"platform [{i}] is badly constructed: {e}") from None


def line_warnings(spec):
    out = []
    for field, n in (("description", 80), ("shortDescription", 70), ("caveats", 80)):
        for line in str(spec.get(field) or "").split("\n"):
            if len(line) > n and " " in line.strip():
                out.append(f"line length in `{field}` exceeds {n} characters")
                break
    return out


def validate(path):
    """the krew-index CI (validate-krew-manifest) on top of ValidatePlugin"""
    base = os.path.basename(path)
    if os.path.splitext(base)[1] != ".yaml":
        raise Invalid(f"expected manifest extension '.yaml' but found {os.path.splitext(base)[1]!r}")
    doc = load(path)
    validate_plugin(os.path.splitext(base)[0], doc)
    platforms = doc["spec"]["platforms"]
    for i, p in enumerate(platforms):
        if not any(selector_matches(p["selector"], o, a) for o, a in SUPPORTED):
            raise Invalid(f"spec.platform[{i}]'s selector doesn't match any supported platforms")
    for o, a in SUPPORTED:
        hits = [i for i, p in enumerate(platforms) if selector_matches(p["selector"], o, a)]
        if len(hits) > 1:
            raise Invalid(f"multiple spec.platforms (at indexes {hits}) have overlapping selectors "
                          f"that select os={o}/arch={a}")
    return doc, line_warnings(doc["spec"])


# ---- install -----------------------------------------------------------------------------

def suspicious(name):
    return ".." in name or name.startswith("/") or name.startswith("\\")


def fetch(uri, archive):
    if archive:
        with open(archive, "rb") as f:
            return f.read()
    if not uri.startswith(("file://", "http://", "https://")):
        raise Invalid(f"cannot download {uri!r}")
    with urllib.request.urlopen(uri, timeout=30) as r:
        return r.read()


def extract(data, dest):
    """internal/download: the type from the content; tar.gz or zip"""
    if data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
            for m in t.getmembers():
                if suspicious(m.name):
                    raise Invalid(f"tar archive path {m.name!r} is suspicious")
                if not (m.isdir() or m.isreg()):
                    raise Invalid(f"unable to handle file type {m.type!r} for {m.name!r} in tar")
                path = os.path.join(dest, m.name)
                if m.isdir():
                    os.makedirs(path, exist_ok=True)
                    continue
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(t.extractfile(m).read())
                os.chmod(path, m.mode & 0o777)
    elif data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for i in z.infolist():
                if suspicious(i.filename):
                    raise Invalid(f"zip archive path {i.filename!r} is suspicious")
                z.extract(i, dest)
                mode = (i.external_attr >> 16) & 0o777
                if mode:
                    os.chmod(os.path.join(dest, i.filename), mode)
    else:
        raise Invalid("the archive is neither a gzip tar nor a zip")


def subpath(base, p):
    base, p = os.path.abspath(base), os.path.abspath(p)
    return p == base or p.startswith(base + os.sep)


def move_files(src, dst, op):
    """internal/installation/move.go: findMoveTargets and moveFiles"""
    frm, to = op["from"], op["to"]
    if to != os.path.normpath(to):
        raise Invalid(f"the provided path is not clean, {to!r} should be {os.path.normpath(to)!r}")
    direct = os.path.normpath(os.path.join(src, frm))
    if os.path.exists(direct):                  # a single file, not a glob
        target = os.path.join(dst, os.path.basename(direct) if os.path.normpath(to) == "." else to)
        moves = [(direct, target)]
    else:
        matches = sorted(glob.glob(os.path.join(src, frm)))
        if not matches:
            raise Invalid(f"no files in the plugin archive matched the glob pattern={frm}")
        moves = [(m, os.path.join(dst, to, os.path.basename(m))) for m in matches]
    for a, b in moves:
        if not (subpath(src, a) and subpath(dst, b)):
            raise Invalid(f"can't move, move target {b!r} is out of bounds")
        os.makedirs(os.path.dirname(b), exist_ok=True)
        if os.path.isdir(b):
            shutil.rmtree(b)
        shutil.move(a, b)


def install(path, root, os_, arch, archive):
    doc = load(path)
    name = doc["metadata"]["name"]
    validate_plugin(name, doc)                  # `install --manifest` checks its own name
    spec = doc["spec"]
    receipt = os.path.join(root, "receipts", name + ".yaml")
    if os.path.exists(receipt):
        raise Invalid("can't install, the newest version is already installed")
    cands = [p for p in spec["platforms"] if selector_matches(p["selector"], os_, arch)]
    if not cands:
        raise Invalid(f"plugin {name!r} does not offer installation for this platform")
    p = cands[0]                                 # the first match wins
    data = fetch(p["uri"], archive)
    got = hashlib.sha256(data).hexdigest()
    if got != p["sha256"]:
        raise Invalid(f"checksum does not match, want: {p['sha256']}, got {got}")
    files = p.get("files")
    if files is None:
        files = [{"from": "*", "to": "."}]
    store = os.path.join(root, "store", name, spec["version"])
    with tempfile.TemporaryDirectory() as staging, tempfile.TemporaryDirectory() as tmp:
        extract(data, staging)
        for op in files:
            move_files(staging, tmp, op)
        os.makedirs(os.path.dirname(store), exist_ok=True)
        if os.path.isdir(store):
            shutil.rmtree(store)
        shutil.copytree(tmp, store)
    binary = os.path.join(store, p["bin"])
    if not subpath(store, binary) or not os.path.isfile(binary):
        raise Invalid(f"can't create symbolic link, source binary ({binary!r}) cannot be found "
                      "in extracted archive")
    installed = {f.lower() for f in os.listdir(store)}
    if not installed & LICENSE_NAMES:
        raise Invalid("no license file among the installed files (krew-index rule)")
    bindir = os.path.join(root, "bin")
    os.makedirs(bindir, exist_ok=True)
    link = os.path.join(bindir, "kubectl-" + name.replace("-", "_"))
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.relpath(binary, bindir), link)
    os.makedirs(os.path.dirname(receipt), exist_ok=True)
    doc["status"] = {"source": {"name": "default"}}
    with open(receipt, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f)
    return link


def main(argv):
    try:
        if len(argv) == 2 and argv[0] == "validate":
            doc, warnings = validate(argv[1])
            for w in warnings:
                print(f"krew_check: warning: {w}", file=sys.stderr)
            # the CI installs every platform; the license rule is checked there
            for p in doc["spec"]["platforms"]:
                o, a = next((o, a) for o, a in SUPPORTED if selector_matches(p["selector"], o, a))
                with tempfile.TemporaryDirectory() as root:
                    install(argv[1], root, o, a, None)
            print(f"{argv[1]}: valid, {len(doc['spec']['platforms'])} platforms installed fine")
            return 1 if warnings else 0
        if len(argv) >= 3 and argv[0] == "install":
            opts = {"--os": "linux", "--arch": "amd64", "--archive": None}
            rest = argv[3:]
            while rest:
                if rest[0] not in opts or len(rest) < 2:
                    raise Invalid(f"unknown option {rest[0]!r}")
                opts[rest[0]] = rest[1]
                rest = rest[2:]
            print(install(argv[1], argv[2], opts["--os"], opts["--arch"], opts["--archive"]))
            return 0
    except Invalid as e:
        print(f"krew_check: {e}", file=sys.stderr)
        return 1
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        print(f"krew_check: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
