#!/usr/bin/env bash
# down.sh DIR — stop what up.sh DIR started: TERM each watchdog's process group, KILL what is
# left after ML7_KUBE_STOP_WAIT seconds (default 10). Idempotent; keeps DIR (logs) in place.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
[[ -d $1 ]] || exit 0
DIR=$(cd "$1" && pwd)

groups=()
for f in "$DIR"/kube-controller-manager.pid "$DIR"/kube-apiserver.pid "$DIR"/etcd.pid; do
  [[ -s $f ]] || continue
  g=$(<"$f")
  # A pid can be reused once its group is gone: only touch a leader whose command line names DIR.
  if [[ -e /proc/$g ]] && ! tr '\0' ' ' <"/proc/$g/cmdline" | grep -qF "$DIR/"; then
    rm -f "$f"; continue
  fi
  kill -TERM -- "-$g" 2>/dev/null || true
  groups+=("$g")
done

alive() { local g; for g in "${groups[@]}"; do kill -0 -- "-$g" 2>/dev/null && return 0; done; return 1; }
end=$((SECONDS + ${ML7_KUBE_STOP_WAIT:-10}))
while ((${#groups[@]})) && alive && ((SECONDS < end)); do sleep 0.1; done
if ((${#groups[@]})) && alive; then
  for g in "${groups[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
  sleep 0.2
fi
rm -f "$DIR"/kube-controller-manager.pid "$DIR"/kube-apiserver.pid "$DIR"/etcd.pid
