#!/usr/bin/env bash
# tests/cli/ingress_render.sh - `ingress render` without a cluster (--service):
# the guide's object byte for byte, JSON output, validation exit codes.
cd "$(dirname "$0")/../.."
. tests/lib.sh

arn=arn:aws:acm:us-east-2:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666
render=("$KML7" ingress render milvus-demo -n milvus --service milvus-demo --host milvus-demo.milvus.io)

t_run "${render[@]}" --cert-arn "$arn"
if [ "$T_RC" = 0 ] && cmp -s "$T_TMP/out" tests/fixtures/ingress/guide.yaml; then
	t_pass "render prints the guide's Ingress (golden file)"
else
	t_fail "render prints the guide's Ingress (golden file)" "rc $T_RC" "$(diff "$T_TMP/out" tests/fixtures/ingress/guide.yaml | head -5)"
fi
if grep -q 'idle for 60 s' "$T_TMP/err"; then t_pass "render warns about the 60 s idle timeout"; else t_fail "render warns about the 60 s idle timeout"; fi
t_run "${render[@]}" --cert-arn "$arn" --idle-timeout 10m -q
if [ "$T_RC" = 0 ] && [ -z "$T_ERR" ] && grep -q 'idle_timeout.timeout_seconds=600' "$T_TMP/out"; then
	t_pass "--idle-timeout 10m becomes idle_timeout.timeout_seconds=600, no warning"
else
	t_fail "--idle-timeout 10m becomes idle_timeout.timeout_seconds=600, no warning"
fi
t_expect "render -o json" 0 '"ingressClassName":[[:space:]]*"alb"' -- "${render[@]}" --cert-arn "$arn" -o json
t_run "${render[@]}" --cert-arn "$arn" --cert-arn "${arn%6}7" --tags a=b --tags c=d --group-name g --group-order -5 -q
if grep -q "certificate-arn: $arn,${arn%6}7" "$T_TMP/out" && grep -q 'tags: a=b,c=d' "$T_TMP/out" &&
   grep -q 'group.order: "-5"' "$T_TMP/out"; then
	t_pass "repeated flags join into one annotation; a negative --group-order"
else
	t_fail "repeated flags join into one annotation; a negative --group-order" "$T_OUT"
fi
t_expect "a bad ARN is a usage error with the rule" 2 '' "the account '1234' must be 12 digits" -- \
	"${render[@]}" --cert-arn arn:aws:acm:us-east-2:1234:certificate/0a1b2c3d-1111-2222-3333-444455556666
t_expect "no --host" 2 '' '--host is required' -- "$KML7" ingress render r --service s --cert-arn "$arn"
t_expect "--idle-timeout needs whole seconds" 2 '' 'needs whole seconds, not 1500ms' -- \
	"${render[@]}" --cert-arn "$arn" --idle-timeout 1500ms
t_expect "--region checks the ARN's region" 2 '' "in region 'us-east-2' but the cluster is in 'eu-west-1'" -- \
	"${render[@]}" --cert-arn "$arn" --region eu-west-1
t_expect "render needs RELEASE" 2 '' 'needs an argument' -- "$KML7" ingress render
t_expect "ingress needs a subcommand" 2 '' "'ingress' needs a subcommand: render" -- "$KML7" ingress
t_expect "render -h lists the shared flags" 0 '--wafv2-acl-arn ARN' -- "$KML7" ingress render -h
t_done
