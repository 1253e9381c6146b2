#!/usr/bin/env bash
# Smoke test for the parity oracle: installs each pin if needed, then drives a short session
# through driver.mjs on both databases and checks the answers.
#
#   bash reference/oracle/smoke.sh [pin ...]      (default: every pin directory)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pins=("$@")
if [ ${#pins[@]} -eq 0 ]; then
	pins=(v1.6.30 v1.7.1)
fi

failures=0
driver_in=""
driver_out=""
driver_pid=""

# node is used only as a JSON reader: `get '<json>' 'expr over r'` prints the expression.
get() {
	node -e 'const r = JSON.parse(process.argv[1]); const v = new Function("r", "return (" + process.argv[2] + ");")(r); process.stdout.write(typeof v === "string" ? v : JSON.stringify(v) ?? "undefined");' "$1" "$2"
}

start_driver() {
	coproc DRIVER { node "$here/driver.mjs" "$1"; }
	driver_in="${DRIVER[1]}"
	driver_out="${DRIVER[0]}"
	driver_pid="$DRIVER_PID"
}

stop_driver() {
	exec {driver_in}>&-
	wait "$driver_pid" || true
}

# send '<json line>' -> the reply line in $reply
send() {
	printf '%s\n' "$1" >&"$driver_in"
	if ! IFS= read -r -t 120 reply <&"$driver_out"; then
		echo "  FAIL: no reply to $1" >&2
		failures=$((failures + 1))
		reply='{}'
	fi
}

# check '<label>' '<expr over r>' '<expected>'
check() {
	local actual
	actual="$(get "$reply" "$2")"
	if [ "$actual" = "$3" ]; then
		echo "  ok   $1"
	else
		echo "  FAIL $1: expected $3, got $actual" >&2
		echo "       reply: ${reply:0:400}" >&2
		failures=$((failures + 1))
	fi
}

json_body() {
	# Escapes a JSON document as a JSON string for the "body" field.
	node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "$1"
}

request() {
	# request METHOD PATH HEADERS_JSON BODY_JSON_OR_EMPTY
	local body=null
	if [ -n "${4:-}" ]; then body="$(json_body "$4")"; fi
	send "{\"op\":\"request\",\"method\":\"$1\",\"path\":\"$2\",\"headers\":$3,\"body\":$body}"
}

cookie_of() {
	get "$reply" 'r.headers.filter(([n]) => n === "set-cookie").map(([, v]) => v.split(";")[0]).join("; ")'
}

sign_up() {
	request POST /api/auth/sign-up/email '[["content-type","application/json"],["origin","http://localhost:3000"]]' \
		"{\"email\":\"$1\",\"password\":\"password1234\",\"name\":\"Smoke\"}"
	check "sign-up $1" 'r.status' 200
	check "sign-up sets the session cookie" 'r.headers.some(([n, v]) => n === "set-cookie" && v.startsWith("better-auth.session_token="))' true
	cookie="$(cookie_of)"
}

session_flow() {
	local database="$1"
	echo " core on $database"
	send "{\"op\":\"init\",\"options\":{\"emailAndPassword\":{\"enabled\":true}},\"database\":\"$database\"}"
	check "init" 'r.ok' true
	sign_up smoke@example.com
	request GET /api/auth/get-session "[[\"cookie\",$(json_body "$cookie")]]"
	check "get-session" 'r.status' 200
	check "get-session user" 'JSON.parse(r.body).user.email' smoke@example.com
	request GET /api/auth/get-session '[]'
	check "get-session without cookie" 'r.status + " " + r.body' "200 null"
	request POST /api/auth/sign-up/email '[["content-type","application/json"]]' \
		'{"email":"smoke@example.com","password":"password1234","name":"Smoke"}'
	check "duplicate sign-up" 'r.status + " " + JSON.parse(r.body).code' "422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"
	send '{"op":"call","method":"signInEmail","args":{"body":{"email":"smoke@example.com","password":"wrong-password"}}}'
	check "call: APIError" 'r.ok + " " + r.status + " " + r.body.code' "false 401 INVALID_EMAIL_OR_PASSWORD"
	send '{"op":"call","method":"signInEmail","args":{"body":{"email":"smoke@example.com","password":"password1234"}}}'
	check "call: result" 'r.ok + " " + r.result.user.email' "true smoke@example.com"
	send '{"op":"adapter","method":"count","args":{"model":"session"}}'
	check "adapter: count" 'r.result' 2
}

organization_flow() {
	local database="$1"
	echo " organization (teams) on $database"
	send "{\"op\":\"init\",\"options\":{\"emailAndPassword\":{\"enabled\":true},\"plugins\":[{\"name\":\"organization\",\"options\":{\"teams\":{\"enabled\":true}}}]},\"database\":\"$database\"}"
	check "init" 'r.ok' true
	sign_up owner@example.com
	request POST /api/auth/organization/create \
		"[[\"content-type\",\"application/json\"],[\"origin\",\"http://localhost:3000\"],[\"cookie\",$(json_body "$cookie")]]" \
		'{"name":"Acme","slug":"acme"}'
	check "organization/create" 'r.status' 200
	check "organization/create body" 'JSON.parse(r.body).slug + " " + JSON.parse(r.body).members[0].role' "acme owner"
	send '{"op":"adapter","method":"count","args":{"model":"team"}}'
	check "default team created" 'r.result' 1
}

scim_flow() {
	local pin="$1" database="$2"
	echo " scim on $database"
	if [ "$pin" = v1.6.30 ]; then
		send "{\"op\":\"init\",\"options\":{\"emailAndPassword\":{\"enabled\":true},\"plugins\":[{\"name\":\"scim\"}]},\"database\":\"$database\"}"
		check "init (scim alone)" 'r.ok' true
		sign_up scim-admin@example.com
		request POST /api/auth/scim/generate-token \
			"[[\"content-type\",\"application/json\"],[\"origin\",\"http://localhost:3000\"],[\"cookie\",$(json_body "$cookie")]]" \
			'{"providerId":"okta-smoke"}'
		check "scim/generate-token" 'r.status' 201
		token="$(get "$reply" 'JSON.parse(r.body).scimToken')"
		send "{\"op\":\"init\",\"options\":{\"emailAndPassword\":{\"enabled\":true},\"plugins\":[{\"name\":\"organization\"},{\"name\":\"admin\"},{\"name\":\"scim\",\"options\":{\"storeSCIMToken\":\"hashed\"}}]},\"database\":\"$database\"}"
		check "init (organization + admin + scim)" 'r.ok' true
		sign_up scim-admin@example.com
		request POST /api/auth/scim/generate-token \
			"[[\"content-type\",\"application/json\"],[\"origin\",\"http://localhost:3000\"],[\"cookie\",$(json_body "$cookie")]]" \
			'{"providerId":"okta-smoke"}'
		check "scim/generate-token (hashed)" 'r.status' 201
		token="$(get "$reply" 'JSON.parse(r.body).scimToken')"
	else
		send "{\"op\":\"init\",\"options\":{\"plugins\":[{\"name\":\"scim\",\"options\":{\"connections\":[{\"id\":\"okta-smoke\",\"credentials\":[{\"type\":\"bearer\",\"id\":\"cred-1\",\"token\":\"static-smoke-token-0123456789abcdef\"}]}]}}]},\"database\":\"$database\"}"
		check "init (scim alone)" 'r.ok' true
		token=static-smoke-token-0123456789abcdef
		request GET /api/auth/scim/v2/Users "[[\"authorization\",\"Bearer $token\"]]"
		check "scim list with static token" 'r.status + " " + JSON.parse(r.body).totalResults' "200 0"
		send "{\"op\":\"init\",\"options\":{\"emailAndPassword\":{\"enabled\":true},\"plugins\":[{\"name\":\"organization\"},{\"name\":\"scim\",\"options\":{\"connections\":[],\"managedConnections\":{\"credentialHashSecret\":\"managed-hash-secret-managed-hash-secret-0123\"}}}]},\"database\":\"$database\"}"
		check "init (organization + managed scim)" 'r.ok' true
		send '{"op":"call","method":"createSCIMManagedConnection","args":{"body":{"creationRequestId":"smoke-creation-request-0001","provisioningDomainId":"tenant-a","actorId":"smoke-actor","scopes":["scim.users.read","scim.users.write"],"expiresAt":{"$date":"2099-01-01T00:00:00.000Z"}}}}'
		check "call createSCIMManagedConnection" 'r.ok + " " + r.result.credential.status' "true active"
		token="$(get "$reply" 'r.result.token')"
	fi
	request POST /api/auth/scim/v2/Users \
		"[[\"content-type\",\"application/scim+json\"],[\"authorization\",\"Bearer $token\"]]" \
		'{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jdoe@example.com","name":{"givenName":"John","familyName":"Doe"},"emails":[{"value":"jdoe@example.com","primary":true}]}'
	check "scim create user" 'r.status + " " + JSON.parse(r.body).userName' "201 jdoe@example.com"
	request GET /api/auth/scim/v2/ServiceProviderConfig '[]'
	check "scim ServiceProviderConfig" 'r.status' 200
}

for pin in "${pins[@]}"; do
	dir="$here/$pin"
	if [ ! -d "$dir/node_modules" ]; then
		echo "installing $pin (npm ci; builds better-sqlite3, takes minutes)"
		npm ci --prefix "$dir" --no-audit --no-fund >&2
	fi
	echo "== $pin"
	start_driver "$pin"
	for database in memory sqlite; do
		session_flow "$database"
		organization_flow "$database"
		scim_flow "$pin" "$database"
	done
	send 'not json'
	check "bad line answered, process alive" 'typeof r.error' string
	send '{"op":"request","method":"GET","path":"no-slash"}'
	check "bad request answered" 'typeof r.error' string
	send '{"op":"init","options":{"plugins":[{"name":"no-such-plugin"}]}}'
	check "bad init answered" 'r.ok + " " + (typeof r.error)' "false string"
	stop_driver
done

if [ "$failures" -ne 0 ]; then
	echo "smoke: $failures failure(s)" >&2
	exit 1
fi
echo "smoke: all checks passed"
