#!/usr/bin/env bash
# ner serve under load on the loopback: wrk sends one-sentence POST /v1/tag requests at 1, 8 and 64 connections
# (SECONDS_EACH seconds each, default 10), then REQUESTS more (default 100,000) at 64; prints requests/s and p50/p99 latency per level,
# non-2xx answers; small requests' latency while one of 300,000 characters is tagged; and the server's peak RSS and
# its RSS before and after those (memory must not grow). The server runs with its defaults (the shipped model); wrk
# and the server share this machine's cores.
# Usage: scripts/load_test.sh [SECONDS_EACH] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
requests=${2:-100000}
source scripts/use_build.sh
use_build ner
work=$(mktemp -d)
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"李克强在北京会见了联合国秘书长潘基文。"}'
LUA
"$build/ner" serve --port 0 2>"$work/serve.err" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 600); do grep -q '127.0.0.1:' "$work/serve.err" && break; sleep 0.05; done
port=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.err" | cut -d: -f2)
url=http://127.0.0.1:$port
answered() { curl -s "$url/metrics" | sed -n 's/^ner_http_responses_total{code="200"} //p'; }
rss() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$server/status"; }
echo "CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(head -1 "$work/serve.err")"
echo "\$ wrk -t T -c C -d ${seconds}s --latency -s post.lua $url/v1/tag   (body: one sentence of 19 characters)"
printf '%-12s %12s %10s %10s %8s\n' connections requests/s p50 p99 non-2xx
for connections in 1 8 64; do
  threads=$(( connections < 2 ? 1 : 2 ))
  wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -s "$work/post.lua" "$url/v1/tag" >"$work/wrk.txt"
  rate=$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$work/wrk.txt")
  printf '%-12s %12s %10s %10s %8s\n' "$connections" "$rate" "$p50" "$p99" "${bad:-0}"
done
# One request of 300,000 characters (curl, in the background) while wrk sends small ones on 1 connection for 1 s: the
# small ones' latency beside it, and how long it took.
python3 -c 'import json; print(json.dumps({"text": "我们在北京大学见到了张伟和李娜。" * 18750}, ensure_ascii=False))' >"$work/large.json"
curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' --data-binary @"$work/large.json" \
  "$url/v1/tag" >"$work/large.txt" &
large=$!
until [ "$(curl -s "$url/metrics" | sed -n 's/^ner_queue_characters //p')" -ge 300000 ]; do sleep 0.01; done
wrk -t 1 -c 1 -d 1s --latency -s "$work/post.lua" "$url/v1/tag" >"$work/wrk.txt"
wait $large
read -r large_code large_seconds <"$work/large.txt"
echo "beside one POST of 300,000 characters (answered $large_code in $large_seconds s): small requests" \
     "$(sed -n 's/^Requests\/sec: *//p' "$work/wrk.txt")/s, p50 $(awk '$1 == "50%" {print $2}' "$work/wrk.txt")," \
     "p99 $(awk '$1 == "99%" {print $2}' "$work/wrk.txt")"
# REQUESTS more at 64 connections: the resident size must not grow.
rss_before=$(rss VmRSS) before=$(answered)
while [ "$(answered)" -lt $(( before + requests )) ]; do
  wrk -t 2 -c 64 -d "${seconds}s" -s "$work/post.lua" "$url/v1/tag" >/dev/null
done
echo "RSS after $before requests: $rss_before; after $(answered): $(rss VmRSS); peak: $(rss VmHWM)"
kill -TERM $server
wait $server && echo "SIGTERM: exit 0"
