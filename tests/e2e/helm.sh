#!/usr/bin/env bash
# tests/e2e/helm.sh - the Helm plugin with the real helm 3.18.0 and helm 4.2.3 against the real
# kube-apiserver: the fixture chart (the real Milvus chart's value layout) served from a loopback
# chart repository at 4.2.1 and 5.0.0, installed with the guide's user values (external S3,
# LoadBalancer, ...).  For each helm: `helm plugin install DIR`, upgrade --dry-run writes
# nothing, upgrade keeps every user value but the changed keys and pins the chart version,
# a second upgrade changes nothing, revert gives back the exact values, Helm's global flags,
# and the bad inputs.  Then plugin tarballs over HTTP and the install hook.
. "$(dirname "$0")/../lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ML7_CACHE:-$HOME/.cache/milvus-l7}
NSS=()
cleanup() {
	[ -n "${SERVE_PID:-}" ] && kill "$SERVE_PID" 2>/dev/null
	[ -n "${MILVUS_PID:-}" ] && kill "$MILVUS_PID" 2>/dev/null
	[ -d "$T_TMP/sim" ] && "$top/tests/peers/albsim/down.sh" "$T_TMP/sim" >/dev/null 2>&1
	[ -d "$T_TMP/alb" ] && "$top/tests/peers/alb/nginx.sh" stop "$T_TMP/alb" >/dev/null 2>&1
	for ns in "${NSS[@]}"; do kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1; done
	t_cleanup
}
trap cleanup EXIT
t_kube_peer
cp "$KUBECONFIG_FILE" "$T_TMP/kubeconfig"
export KUBECONFIG=$T_TMP/kubeconfig
unset HELM_BIN HELM_NAMESPACE HELM_KUBECONTEXT HELM_PLUGINS HELM_DEBUG
ARN=arn:aws:acm:us-east-2:123456789012:certificate/0a1b2c3d-0000-1111-2222-333344445555
HOST=milvus-demo.milvus.io
CHART=$top/tests/fixtures/milvus-chart

# jsame A.json B.json [dotted.key...]: the two JSON documents are equal once the keys are removed
jsame() {
	node -e '
const fs = require("fs");
const [a, b, ...ign] = process.argv.slice(1);
const load = f => JSON.parse(fs.readFileSync(f, "utf8")) || {};
const A = load(a), B = load(b);
for (const p of ign) for (const o of [A, B]) {
	const k = p.split("."); let c = o;
	for (let i = 0; i < k.length - 1 && c; i++) c = c[k[i]];
	if (c) delete c[k[k.length - 1]];
	if (k.length > 1 && c && Object.keys(c).length === 0) {
		let parent = o; for (let i = 0; i < k.length - 2; i++) parent = parent[k[i]];
		delete parent[k[k.length - 2]];
	}
}
const canon = x => JSON.stringify(x, (k, v) => v && typeof v === "object" && !Array.isArray(v) ?
	Object.keys(v).sort().reduce((r, k) => (r[k] = v[k], r), {}) : v);
if (canon(A) !== canon(B)) { console.error(canon(A) + "\n" + canon(B)); process.exit(1); }' "$@"
}
# jget FILE a.b.c: prints the value (strings bare, others as JSON)
jget() {
	node -e '
const fs = require("fs");
let v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
for (const k of process.argv[2].split("|")) v = v == null ? undefined : v[k];
console.log(typeof v === "string" ? v : JSON.stringify(v));' "$1" "$2"
}
check_eq() {   # NAME GOT WANT
	if [ "$2" = "$3" ]; then t_pass "$1"; else t_fail "$1" "got '$2', want '$3'"; fi
}

# --- a chart repository on loopback: the fixture at 4.2.1 (deployed) and 5.0.0 (newer) ---
H3=$cache/helm-3.18.0/helm
H4=$cache/helm-4.2.3/helm
mkdir -p "$T_TMP/repo" "$T_TMP/c5"
cp -r "$CHART/." "$T_TMP/c5/"
sed -i 's/^version: .*/version: 5.0.0/' "$T_TMP/c5/Chart.yaml"
"$H3" package "$CHART" -d "$T_TMP/repo" >/dev/null && "$H3" package "$T_TMP/c5" -d "$T_TMP/repo" >/dev/null ||
	t_fail "the fixture chart packages"
node "$top/tests/peers/files/serve.js" --dir "$T_TMP/repo" --port-file "$T_TMP/port" --ttl 600 \
	2>"$T_TMP/serve.log" &
SERVE_PID=$!
for _ in $(seq 100); do [ -s "$T_TMP/port" ] && break; sleep 0.05; done
URL=http://127.0.0.1:$(cat "$T_TMP/port")
"$H3" repo index "$T_TMP/repo" --url "$URL"

# the plugin folder as `helm plugin install DIR` sees it, with the binary under test in bin/
PLUG=$T_TMP/plugin
mkdir -p "$PLUG/bin"
cp "$top/helm-plugin/plugin.yaml" "$top/helm-plugin/install-hook.sh" "$PLUG/"
cp "$HML7" "$PLUG/bin/helm-milvus-l7"

# a chart that is not Milvus
mkdir -p "$T_TMP/other/templates"
printf 'apiVersion: v2\nname: other\nversion: 1.0.0\n' >"$T_TMP/other/Chart.yaml"
printf 'greeting: hello\n' >"$T_TMP/other/values.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  g: {{ .Values.greeting }}\n' \
	>"$T_TMP/other/templates/cm.yaml"

matrix() {   # LABEL HELM
	local L=$1 H=$2 ns=ml7-$1-$$ d=$T_TMP/$1
	NSS+=("$ns")
	mkdir -p "$d"
	export HELM_DATA_HOME=$d/data HELM_CONFIG_HOME=$d/config HELM_CACHE_HOME=$d/cache
	"$H" repo add milvus "$URL" >/dev/null 2>"$d/err" || t_fail "$L: repo add" "$(cat "$d/err")"
	t_expect "$L: install the release (chart 4.2.1, the guide's user values)" 0 -- \
		"$H" install milvus-demo milvus/milvus --version 4.2.1 -n "$ns" --create-namespace \
		-f "$CHART/user-values.yaml"
	t_expect "$L: helm plugin install DIR" 0 'milvus-l7' -- "$H" plugin install "$PLUG"
	t_expect "$L: the plugin loads (legacy plugin.yaml)" 0 'milvus-l7[[:space:]]+0\.1\.0' -- "$H" plugin list
	"$H" get values milvus-demo -n "$ns" -o json >"$d/before.json"

	t_expect "$L: upgrade --dry-run shows the values diff" 0 '^\+ service\.type: "ClusterIP"' -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" --dry-run
	if grep -q 'alb.ingress.kubernetes.io/certificate-arn' "$T_TMP/out" &&
		grep -q -- '--reset-then-reuse-values' "$T_TMP/out" && grep -q -- '--version 4.2.1' "$T_TMP/out"; then
		t_pass "$L: the dry run names the ARN, --reset-then-reuse-values and the pinned version"
	else
		t_fail "$L: the dry run names the ARN, --reset-then-reuse-values and the pinned version" "$T_OUT"
	fi
	"$H" get metadata milvus-demo -n "$ns" -o json >"$d/meta.json"
	check_eq "$L: the dry run wrote nothing (revision 1)" "$(jget "$d/meta.json" revision)" 1
	check_eq "$L: the Service is still LoadBalancer" \
		"$(kubectl get svc milvus-demo -n "$ns" -o jsonpath='{.spec.type}')" LoadBalancer

	t_expect "$L: upgrade (global -n and --debug stripped by helm)" 0 \
		'upgraded: revision 2, chart milvus-4.2.1' 'helm command: .*upgrade milvus-demo milvus/milvus' -- \
		"$H" --debug milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" --no-verify
	"$H" get values milvus-demo -n "$ns" -o json >"$d/after.json"
	"$H" get metadata milvus-demo -n "$ns" -o json >"$d/meta.json"
	if jsame "$d/before.json" "$d/after.json" service.type ingress 2>"$d/err"; then
		t_pass "$L: every user value other than service.type and ingress is identical"
	else
		t_fail "$L: every user value other than service.type and ingress is identical" "$(cat "$d/err")"
	fi
	check_eq "$L: service.type is ClusterIP in the values" "$(jget "$d/after.json" 'service|type')" ClusterIP
	check_eq "$L: externalS3 is kept" "$(jget "$d/after.json" 'externalS3|host')" s3.us-east-2.amazonaws.com
	check_eq "$L: the chart version is pinned (5.0.0 is in the repo)" "$(jget "$d/meta.json" version)" 4.2.1
	check_eq "$L: the Service is ClusterIP" \
		"$(kubectl get svc milvus-demo -n "$ns" -o jsonpath='{.spec.type}')" ClusterIP
	kubectl get ingress milvus-demo -n "$ns" -o json >"$d/ing.json" 2>"$d/err"
	check_eq "$L: the chart's Ingress has class alb" "$(jget "$d/ing.json" 'spec|ingressClassName')" alb
	check_eq "$L: the Ingress carries the certificate ARN" \
		"$(jget "$d/ing.json" 'metadata|annotations|alb.ingress.kubernetes.io/certificate-arn')" "$ARN"
	check_eq "$L: the Ingress listens on HTTPS 443" \
		"$(jget "$d/ing.json" 'metadata|annotations|alb.ingress.kubernetes.io/listen-ports')" '[{"HTTPS":443}]'
	check_eq "$L: the chart's nginx annotations are gone" \
		"$(jget "$d/ing.json" 'metadata|annotations|nginx.ingress.kubernetes.io/backend-protocol')" undefined
	check_eq "$L: the host rule routes to the Service's gRPC port" \
		"$(kubectl get ingress milvus-demo -n "$ns" -o jsonpath='{.spec.rules[0].host} {.spec.rules[0].http.paths[0].backend.service.name}:{.spec.rules[0].http.paths[0].backend.service.port.number}')" \
		"$HOST milvus-demo:19530"
	if kubectl get configmap milvus-demo -n "$ns" -o jsonpath='{.data.default\.yaml}' |
		grep -q 'address: s3.us-east-2.amazonaws.com'; then
		t_pass "$L: Milvus still points at the external S3 (rendered config)"
	else
		t_fail "$L: Milvus still points at the external S3 (rendered config)"
	fi

	t_expect "$L: a second upgrade changes nothing" 0 '' 'nothing to change' -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" --no-verify
	# no AWS Load Balancer Controller here: the proof fails, plainly, with the way back
	t_expect "$L: no ALB address: the verification fails and names revert (exit 4)" 4 '' \
		"to undo: helm milvus-l7 revert milvus-demo -n $ns" -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" --timeout 2s
	grep -q 'verification after the upgrade failed: .*has no address after 2s' "$T_TMP/err" ||
		t_fail "$L: ... and says the Ingress has no address" "$T_ERR"
	t_expect "$L: global flags before the plugin name (helm -n NS milvus-l7)" 0 '' 'nothing to change' -- \
		"$H" -n "$ns" milvus-l7 upgrade milvus-demo --host "$HOST" --cert-arn "$ARN" --dry-run
	"$H" get metadata milvus-demo -n "$ns" -o json >"$d/meta.json"
	check_eq "$L: no new revision" "$(jget "$d/meta.json" revision)" 2

	# Helm's connection flags reach the plugin (HELM_KUBECONTEXT, KUBECONFIG) and its helm calls
	t_expect "$L: --kube-context is honoured (a user without rights is refused)" 1 '' 'forbidden' -- \
		"$H" --kube-context limited milvus-l7 upgrade milvus-demo -n "$ns" --dry-run
	t_expect "$L: --kube-context cert works" 0 '' 'nothing to change' -- \
		"$H" --kube-context cert milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" --dry-run
	t_expect "$L: --kubeconfig is honoured" 0 '' 'nothing to change' -- \
		env -u KUBECONFIG "$H" --kubeconfig "$KUBECONFIG" milvus-l7 upgrade milvus-demo -n "$ns" \
		--host "$HOST" --cert-arn "$ARN" --dry-run
	t_expect "$L: -o json" 0 '"changed":[[:space:]]*false' -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn "$ARN" -o json --no-verify
	t_expect "$L: revert" 0 'reverted: revision 3, chart milvus-4.2.1' -- \
		"$H" milvus-l7 revert milvus-demo -n "$ns"
	"$H" get values milvus-demo -n "$ns" -o json >"$d/reverted.json"
	if jsame "$d/before.json" "$d/reverted.json" 2>"$d/err"; then
		t_pass "$L: after revert the user values are exactly the original ones"
	else
		t_fail "$L: after revert the user values are exactly the original ones" "$(cat "$d/err")"
	fi
	check_eq "$L: the Service is LoadBalancer again" \
		"$(kubectl get svc milvus-demo -n "$ns" -o jsonpath='{.spec.type}')" LoadBalancer
	t_expect "$L: the chart's Ingress is gone" 1 -- kubectl get ingress milvus-demo -n "$ns"
	t_expect "$L: a second revert changes nothing" 0 '' 'nothing to change' -- \
		"$H" milvus-l7 revert milvus-demo -n "$ns"

	# bad input
	t_expect "$L: release not found: exit 3" 3 '' "release 'nope' not found in namespace '$ns'" -- \
		"$H" milvus-l7 upgrade nope -n "$ns"
	t_expect "$L: chart repository unreachable: nothing changed" 1 '' \
		'helm upgrade failed, nothing changed.*revision 3' -- \
		"$H" milvus-l7 upgrade milvus-demo milvus --repo http://127.0.0.1:1 -n "$ns"
	"$H" install other "$T_TMP/other" -n "$ns" >/dev/null 2>&1
	t_expect "$L: not a Milvus chart" 1 '' "release 'other' \(chart other-1.0.0\) is not a Milvus chart" -- \
		"$H" milvus-l7 upgrade other -n "$ns"
	t_expect "$L: another chart than the deployed one" 1 '' "chart 'milvus/other' is not the chart" -- \
		"$H" milvus-l7 upgrade milvus-demo milvus/other -n "$ns"
	t_expect "$L: --host without --cert-arn: usage" 2 '' '--host and --cert-arn go together' -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST"
	t_expect "$L: a bad ARN: usage" 2 '' 'certificate ARN' -- \
		"$H" milvus-l7 upgrade milvus-demo -n "$ns" --host "$HOST" --cert-arn arn:aws:acm:x
	"$H" get metadata milvus-demo -n "$ns" -o json >"$d/meta.json"
	check_eq "$L: the failed attempts wrote nothing (revision 3)" "$(jget "$d/meta.json" revision)" 3
	if [ "$L" = helm3 ]; then
		# helm < 3.14 has no --reset-then-reuse-values: --reuse-values, with a warning
		printf '#!/bin/sh\n[ "$1" = version ] && { echo v3.13.3; exit 0; }\nexec %s "$@"\n' "$H" >"$d/helm313"
		chmod 755 "$d/helm313"
		t_expect "$L: helm 3.13: upgrade with --reuse-values and a warning" 0 \
			'upgraded: revision 4, chart milvus-4.2.1' 'has no --reset-then-reuse-values \(3\.14\+\): using --reuse-values' -- \
			env HELM_BIN="$d/helm313" HELM_NAMESPACE="$ns" "$HML7" upgrade milvus-demo
		"$H" get values milvus-demo -n "$ns" -o json >"$d/r313.json"
		if jsame "$d/before.json" "$d/r313.json" service.type 2>"$d/err" &&
			[ "$(jget "$d/r313.json" 'service|type')" = ClusterIP ]; then
			t_pass "$L: ... every other user value kept"
		else
			t_fail "$L: ... every other user value kept" "$(cat "$d/err")"
		fi
	fi
	unset HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME
}

matrix helm3 "$H3"
matrix helm4 "$H4"

# --- the proof after the flip: the ALB (albsim + nginx stand-in) and Milvus (gRPC stand-in) ---
VNS=ml7-verify-$$
NSS+=("$VNS")
"$top/tests/peers/alb/pki.sh" "$T_TMP/pki" "$HOST" >/dev/null 2>&1
node "$top/tests/peers/milvus/server.js" --port 0 --port-file "$T_TMP/milvus.port" --ttl 600 \
	>"$T_TMP/milvus.log" 2>&1 &
MILVUS_PID=$!
for _ in $(seq 100); do [ -s "$T_TMP/milvus.port" ] && break; sleep 0.1; done
# nginx first, so that its port is known before the upgrade; albsim then reprograms it
mkdir -p "$T_TMP/alb"
printf 'ALB_PORT=0\nALB_CERT=%s\nALB_KEY=%s\nALB_HOST=%s\nALB_BACKEND=127.0.0.1:%s\nALB_TTL=600\n' \
	"$T_TMP/pki/server.crt" "$T_TMP/pki/server.key" "$HOST" "$(cat "$T_TMP/milvus.port")" >"$T_TMP/alb/alb.env"
"$top/tests/peers/alb/nginx.sh" start "$T_TMP/alb" >"$T_TMP/nginx.log" 2>&1 ||
	t_fail "the nginx stand-in starts" "$(tail -n 3 "$T_TMP/nginx.log")"
export HELM_DATA_HOME=$T_TMP/verify/data HELM_CONFIG_HOME=$T_TMP/verify/config HELM_CACHE_HOME=$T_TMP/verify/cache
"$H4" repo add milvus "$URL" >/dev/null 2>&1
"$H4" install milvus-demo milvus/milvus --version 4.2.1 -n "$VNS" --create-namespace \
	-f "$CHART/user-values.yaml" >/dev/null 2>&1 || t_fail "install the release for the proof"
"$H4" plugin install "$PLUG" >/dev/null 2>&1
ML7_ALBSIM_TTL=600 "$top/tests/peers/albsim/up.sh" "$T_TMP/sim" --create-class --namespace "$VNS" --region us-east-2 \
	--hostname localhost --alb-dir "$T_TMP/alb" --cert "$T_TMP/pki/server.crt" --key "$T_TMP/pki/server.key" \
	--backend "milvus-demo:19530=127.0.0.1:$(cat "$T_TMP/milvus.port")" 2>"$T_TMP/sim-up.log" ||
	t_fail "albsim starts" "$(cat "$T_TMP/sim-up.log")"
t_expect "helm4: upgrade, then the ALB address and Milvus GetVersion through it over TLS" 0 \
	'^VERIFIED: Milvus v[0-9.]+ answers gRPC through localhost:443 over TLSv1\.[23] \(server name '"$HOST" '' -- \
	"$H4" milvus-l7 upgrade milvus-demo -n "$VNS" --host "$HOST" --cert-arn "$ARN" \
	--connect-to "127.0.0.1:$(cat "$T_TMP/alb/port")" --ca-file "$T_TMP/pki/ca.crt" --timeout 60s
grep -q '^ALB: localhost (address after' "$T_TMP/out" && t_pass "helm4: ... the ALB address is reported" ||
	t_fail "helm4: ... the ALB address is reported" "$T_OUT"
t_expect "helm4: a certificate from another CA: verification fails, revert is named (exit 4)" 4 '' \
	"to undo: helm milvus-l7 revert milvus-demo -n $VNS" -- \
	"$H4" milvus-l7 upgrade milvus-demo -n "$VNS" --host "$HOST" --cert-arn "$ARN" \
	--connect-to "127.0.0.1:$(cat "$T_TMP/alb/port")" --ca-file "$T_TMP/pki/other-ca.crt" --timeout 3s
unset HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME

# --- helm missing or too old (the binary alone, HELM_* as Helm sets them) ---
printf '#!/bin/sh\necho v2.17.0\n' >"$T_TMP/old-helm"
chmod 755 "$T_TMP/old-helm"
t_expect "helm missing: exit 3" 3 '' "cannot run helm '$T_TMP/nope': not found" -- \
	env HELM_BIN="$T_TMP/nope" HELM_NAMESPACE=milvus "$HML7" upgrade milvus-demo
t_expect "helm 2: a clear error" 1 '' 'reports version .v2.17.0.: Helm 3.14\+ or Helm 4 is needed' -- \
	env HELM_BIN="$T_TMP/old-helm" HELM_NAMESPACE=milvus "$HML7" upgrade milvus-demo

# --- plugin tarballs over HTTP (Helm 3 needs a URL; Helm 4 wants --verify=false without .prov) ---
mkdir -p "$T_TMP/tar/bin"
cp "$top/helm-plugin/plugin.yaml" "$top/helm-plugin/install-hook.sh" "$T_TMP/tar/"
cp "$HML7" "$T_TMP/tar/bin/"
tar -C "$T_TMP/tar" -czf "$T_TMP/repo/milvus-l7-0.1.0.tgz" plugin.yaml install-hook.sh bin
for pair in "helm3:$H3:" "helm4:$H4:--verify=false"; do
	IFS=: read -r L H flag <<<"$pair"
	export HELM_DATA_HOME=$T_TMP/tgz-$L/data HELM_CONFIG_HOME=$T_TMP/tgz-$L/config \
		HELM_CACHE_HOME=$T_TMP/tgz-$L/cache
	# shellcheck disable=SC2086
	t_expect "$L: helm plugin install URL.tgz $flag" 0 -- \
		"$H" plugin install "$URL/milvus-l7-0.1.0.tgz" $flag
	t_expect "$L: the tarball's plugin runs" 0 '^helm-milvus-l7 v[0-9]' -- "$H" milvus-l7 version
	t_expect "$L: helm milvus-l7 --help lists upgrade and revert" 0 'upgrade.*' -- "$H" milvus-l7 --help
	grep -q revert "$T_TMP/out" || t_fail "$L: help lists revert"
	unset HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME
done

# --- the post-renderer: Helm 3 takes the binary's path, Helm 4 the postrenderer/v1 plugin ---
doc_of() {   # FILE TEMPLATE: the document rendered from that template (its "# Source:" block)
	awk -v src="# Source: milvus/templates/$2" '/^---/ { on = 0 } $0 == src { on = 1 } on' "$1"
}
PR_ARGS=(--post-renderer-args "--host=$HOST" --post-renderer-args "--cert-arn=$ARN")
"$H3" template milvus-demo "$CHART" -n milvus -f "$CHART/user-values.yaml" >"$T_TMP/plain.yaml"
t_expect "helm3: --post-renderer PATH post-render adds the ALB Ingress" 0 \
	"alb.ingress.kubernetes.io/certificate-arn: $ARN" -- \
	"$H3" template milvus-demo "$CHART" -n milvus -f "$CHART/user-values.yaml" \
	--post-renderer "$HML7" --post-renderer-args post-render "${PR_ARGS[@]}"
cp "$T_TMP/out" "$T_TMP/pr3.yaml"
if [ -n "$(doc_of "$T_TMP/plain.yaml" configmap.yaml)" ] &&
	[ "$(doc_of "$T_TMP/plain.yaml" configmap.yaml)" = "$(doc_of "$T_TMP/pr3.yaml" configmap.yaml)" ] &&
	[ "$(doc_of "$T_TMP/plain.yaml" querynode-svc.yaml)" = "$(doc_of "$T_TMP/pr3.yaml" querynode-svc.yaml)" ]; then
	t_pass "helm3: the other documents are unchanged byte for byte"
else
	t_fail "helm3: the other documents are unchanged byte for byte"
fi
if grep -q '^  type: ClusterIP$' "$T_TMP/pr3.yaml" && ! grep -q 'type: LoadBalancer' "$T_TMP/pr3.yaml"; then
	t_pass "helm3: the post-rendered Service is ClusterIP"
else
	t_fail "helm3: the post-rendered Service is ClusterIP"
fi
PNS=ml7-pr-$$
NSS+=("$PNS")
export HELM_DATA_HOME=$T_TMP/pr3/data HELM_CONFIG_HOME=$T_TMP/pr3/config HELM_CACHE_HOME=$T_TMP/pr3/cache
t_expect "helm3: install with the post-renderer on the apiserver" 0 -- \
	"$H3" install milvus-demo "$CHART" -n "$PNS" --create-namespace -f "$CHART/user-values.yaml" \
	--post-renderer "$HML7" --post-renderer-args post-render "${PR_ARGS[@]}"
check_eq "helm3: the installed Service is ClusterIP and the Ingress is there" \
	"$(kubectl get svc milvus-demo -n "$PNS" -o jsonpath='{.spec.type}') $(kubectl get ingress milvus-demo -n "$PNS" -o jsonpath='{.spec.ingressClassName}')" \
	"ClusterIP alb"
t_expect "post-render without a Milvus Service: exit 3" 3 '' 'no Milvus Service in the manifests' -- \
	sh -c "printf 'kind: ConfigMap\nmetadata: {name: x}\n' | '$HML7' post-render"
mkdir -p "$T_TMP/prplug/postrenderer/bin"
cp "$top/helm-plugin/postrenderer/plugin.yaml" "$T_TMP/prplug/postrenderer/"
cp "$top/helm-plugin/install-hook.sh" "$T_TMP/prplug/"
cp "$HML7" "$T_TMP/prplug/postrenderer/bin/"
export HELM_DATA_HOME=$T_TMP/pr4/data HELM_CONFIG_HOME=$T_TMP/pr4/config HELM_CACHE_HOME=$T_TMP/pr4/cache
t_expect "helm4: the postrenderer/v1 plugin installs" 0 -- "$H4" plugin install "$T_TMP/prplug/postrenderer"
t_expect "helm4: --post-renderer milvus-l7-postrender adds the ALB Ingress" 0 \
	"alb.ingress.kubernetes.io/certificate-arn: $ARN" -- \
	"$H4" template milvus-demo "$CHART" -n milvus -f "$CHART/user-values.yaml" \
	--post-renderer milvus-l7-postrender "${PR_ARGS[@]}"
if grep -q '^  type: ClusterIP$' "$T_TMP/out" && ! grep -q 'type: LoadBalancer' "$T_TMP/out" &&
	grep -q 'address: s3.us-east-2.amazonaws.com' "$T_TMP/out"; then
	t_pass "helm4: the Service is ClusterIP, the rest as rendered"
else
	t_fail "helm4: the Service is ClusterIP, the rest as rendered"
fi
unset HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME

# --- the install hook: a missing -dev package is named; a source checkout is built ---
SRC=$T_TMP/src
mkdir -p "$SRC" "$T_TMP/fakebin"
(cd "$top" && git ls-files -co --exclude-standard | grep -Ev '^(tests/peers/node_modules|build|bin|dist)/' |
	tar -cf - -T - 2>/dev/null) | tar -xf - -C "$SRC"
rm -rf "$SRC/helm-plugin/bin"
printf '#!/bin/sh\n[ "$2" = yaml-0.1 ] && exit 1\nexec %s "$@"\n' "$(command -v pkg-config)" \
	>"$T_TMP/fakebin/pkg-config"
chmod 755 "$T_TMP/fakebin/pkg-config"
t_expect "install hook: a missing -dev package is named" 1 '' \
	'cannot build the plugin: missing libyaml-dev \(Debian/Ubuntu: apt-get install -y libyaml-dev\)' -- \
	env PATH="$T_TMP/fakebin:$PATH" HELM_PLUGIN_DIR="$SRC/helm-plugin" sh "$SRC/helm-plugin/install-hook.sh"
t_expect "install hook: no binary and no source tree" 1 '' 'no binary at .* and no source tree' -- \
	env HELM_PLUGIN_DIR="$T_TMP/repo" sh "$SRC/helm-plugin/install-hook.sh"
if [ "${ML7_VARIANT:-plain}" = plain ]; then
	# the real build from source (once: the sanitizer run checks the prebuilt path only)
	export HELM_DATA_HOME=$T_TMP/src-h3/data HELM_CONFIG_HOME=$T_TMP/src-h3/config \
		HELM_CACHE_HOME=$T_TMP/src-h3/cache
	t_expect "helm plugin install of a source checkout builds the plugin" 0 '' 'built .*helm-milvus-l7' -- \
		"$H3" plugin install "$SRC/helm-plugin"
	t_expect "the plugin built by the hook runs" 0 '^helm-milvus-l7 v[0-9]' -- "$H3" milvus-l7 version
	unset HELM_DATA_HOME HELM_CONFIG_HOME HELM_CACHE_HOME
fi
t_done
