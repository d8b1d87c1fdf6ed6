#!/bin/sh
# bin/helm-milvus-l7 of the Helm plugin's release tarball: runs the prebuilt binary for this
# machine (bin/linux-amd64/, bin/linux-arm64/).  Helm itself goes to that binary directly
# (plugin.yaml's platformCommand); this is the one path for everything else: the install
# hook's check, plugin.complete, and Helm 3's --post-renderer.
dir=$(dirname "$0")
case $(uname -m) in
x86_64) arch=amd64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac
bin=$dir/$(uname -s | tr 'A-Z' 'a-z')-$arch/helm-milvus-l7
if [ ! -x "$bin" ]; then
	echo "helm-milvus-l7: no prebuilt binary for $(uname -s)/$(uname -m) in this release; build from source" >&2
	exit 1
fi
exec "$bin" "$@"
