#!/usr/bin/env bash
# bench/run.sh: stampede's benchmark suite (`make bench`). See bench/README.md.
#
# Builds stampede, starts its built-in target on a free loopback port and
# measures, in one run:
#   1. throughput: wrk vs stampede, 50 connections/VUs, same target
#   2. CPU (user+sys) per request of each load generator
#   3. max RSS of 1000 and 5000 idle VUs, and the RSS per extra VU
#   4. max RSS of one VU adding 100 000 vs 1 000 000 values to a Trend
#   5. startup: median wall time of a 1-VU, 1-iteration run of an empty script
# The Markdown report goes to stdout and bench/results/latest.md (plus a
# timestamped copy in bench/results/history/); progress goes to stderr; the
# raw outputs of the latest run are kept in bench/results/raw/.
#
# Knobs (environment): BENCH_DURATION (seconds per timed run, default 10),
# BENCH_STARTUP_RUNS (default 10).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCRIPTS="$ROOT/bench/scripts"
RESULTS="$ROOT/bench/results"
RAW="$RESULTS/raw"
D="${BENCH_DURATION:-10}"
STARTUP_RUNS="${BENCH_STARTUP_RUNS:-10}"
CONNS=50

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$D" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DURATION must be a positive whole number of seconds, got '$D'"
[[ "$STARTUP_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_STARTUP_RUNS must be a positive integer, got '$STARTUP_RUNS'"

# --- dependencies -----------------------------------------------------------
# `command -v time` finds bash's `time` keyword, not GNU time, so the latter is
# checked by path: only GNU time reports max RSS (%M).
command -v go >/dev/null 2>&1 || die "go is not on PATH"
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
	SUDO=()
	[[ "$(id -u)" -eq 0 ]] || SUDO=(sudo)
	log "installing ${missing[*]} with apt-get"
	"${SUDO[@]}" apt-get update -qq >&2
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
for c in wrk timeout awk sort; do
	command -v "$c" >/dev/null 2>&1 || die "$c is required"
done

# --- process bookkeeping ----------------------------------------------------
# Every child runs under `timeout`, which puts itself and the child in their
# own process group and forwards TERM to it, so killing the recorded pid stops
# the whole chain (timeout -> time -> stampede/wrk), and nothing outlives its
# time bound even if this script is SIGKILLed.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/stampede-bench.XXXXXX")"
pids=()
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local p
	for p in ${pids[@]+"${pids[@]}"}; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in ${pids[@]+"${pids[@]}"}; do
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Keep the developer's environment out of the measurement: no config file,
# no K6_*/STAMPEDE_* option overrides.
export XDG_CONFIG_HOME="$tmp/xdg"
while IFS= read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(K6|STAMPEDE)_' || true)

# measure NAME LIMIT CMD...: runs CMD under GNU time with a time limit of
# LIMIT seconds. stdout+stderr go to $RAW/NAME.out, "wall user sys maxrss_kb"
# to $RAW/NAME.time. Fails the benchmark if CMD fails.
measure() {
	local name=$1 limit=$2
	shift 2
	timeout -k 5 "$limit" /usr/bin/time -o "$RAW/$name.time" -f '%e %U %S %M' "$@" >"$RAW/$name.out" 2>&1 &
	local pid=$!
	pids+=("$pid")
	if ! wait "$pid"; then
		tail -n 20 "$RAW/$name.out" >&2 || true
		die "$name failed (limit ${limit}s); see $RAW/$name.out"
	fi
}
# timefield NAME FIELD (1 wall s, 2 user s, 3 sys s, 4 max RSS KB)
timefield() { tail -n 1 "$RAW/$1.time" | awk -v f="$2" '{print $f}'; }
# jsonnum FILE METRIC FIELD: a number from a k6 summary export, without jq
# (whitespace-insensitive; metric objects there are flat).
jsonnum() {
	tr -d ' \t\r\n' <"$1" | grep -o "\"$2\":{[^}]*}" | grep -o "\"$3\":[-0-9.eE+]*" | head -n 1 | cut -d: -f2
}
# cputicks PID: user+sys clock ticks consumed so far by PID.
cputicks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { if awk "BEGIN { exit !($1) }"; then echo "pass"; else echo "**miss**"; fi; }

rm -rf "$RAW"
mkdir -p "$RAW" "$RESULTS/history" "$XDG_CONFIG_HOME"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- build --------------------------------------------------------------------
log "building stampede"
go build -o "$tmp/stampede" ./cmd/stampede
ST="$tmp/stampede"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then commit+="+dirty"; fi

# --- 1+2: throughput and CPU per request --------------------------------------
target_limit=$((4 * D + 180))
timeout -k 5 "$target_limit" "$ST" target --addr 127.0.0.1:0 >"$tmp/target.out" 2>"$RAW/target.err" &
target_timeout_pid=$!
pids+=("$target_timeout_pid")
URL=""
for _ in $(seq 100); do
	URL="$(head -n 1 "$tmp/target.out" 2>/dev/null || true)"
	[[ -n "$URL" ]] && break
	kill -0 "$target_timeout_pid" 2>/dev/null || die "target exited: $(cat "$RAW/target.err")"
	sleep 0.1
done
[[ "$URL" == http://127.0.0.1:* ]] || die "target did not print a loopback URL (got '$URL')"
# The target's own pid (timeout's child), to account for the server's CPU.
target_pid="$(awk '{print $1}' "/proc/$target_timeout_pid/task/$target_timeout_pid/children" 2>/dev/null || true)"
log "target at $URL (pid ${target_pid:-?})"

log "warm-up: wrk 2s"
measure wrk_warmup 30 wrk -t2 -c"$CONNS" -d2s "$URL/get"

log "wrk -t2 -c$CONNS -d${D}s"
t0="$([[ -n "$target_pid" ]] && cputicks "$target_pid" || echo 0)"
measure wrk $((D + 30)) wrk -t2 -c"$CONNS" -d"${D}s" "$URL/get"
t1="$([[ -n "$target_pid" ]] && cputicks "$target_pid" || echo 0)"

log "stampede run -u $CONNS -d ${D}s http_get.js"
measure stampede_http $((D + 60)) "$ST" run -q --no-summary -u "$CONNS" -d "${D}s" \
	--summary-export "$RAW/stampede_http.summary.json" -e "TARGET=$URL" "$SCRIPTS/http_get.js"
t2="$([[ -n "$target_pid" ]] && cputicks "$target_pid" || echo 0)"

kill -TERM "$target_timeout_pid" 2>/dev/null || true
wait "$target_timeout_pid" 2>/dev/null || true

wrk_reqs="$(awk '/requests in/ {print $1; exit}' "$RAW/wrk.out")"
wrk_rps="$(awk '/^Requests\/sec:/ {print $2; exit}' "$RAW/wrk.out")"
wrk_non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF; exit}' "$RAW/wrk.out")"
wrk_sockerr="$(awk -F'Socket errors: ' '/Socket errors:/ {print $2; exit}' "$RAW/wrk.out")"
[[ -n "$wrk_reqs" && -n "$wrk_rps" ]] || die "could not parse wrk output; see $RAW/wrk.out"
summary="$RAW/stampede_http.summary.json"
st_reqs="$(jsonnum "$summary" http_reqs count)"
st_rps="$(jsonnum "$summary" http_reqs rate)"
st_failed="$(jsonnum "$summary" http_req_failed passes)"
[[ -n "$st_reqs" && -n "$st_rps" ]] || die "no http_reqs in $summary"
wrk_cpu="$(calc '%.2f' "$(timefield wrk 2) + $(timefield wrk 3)")"
st_cpu="$(calc '%.2f' "$(timefield stampede_http 2) + $(timefield stampede_http 3)")"
wrk_us="$(calc '%.2f' "$wrk_cpu * 1e6 / $wrk_reqs")"
st_us="$(calc '%.2f' "$st_cpu * 1e6 / $st_reqs")"
rps_ratio="$(calc '%.2f' "$st_rps / $wrk_rps")"
cpu_ratio="$(calc '%.2f' "$st_us / $wrk_us")"
tck="$(getconf CLK_TCK)"
if [[ -n "$target_pid" ]]; then
	tgt_wrk="$(calc '%.2f s' "($t1 - $t0) / $tck")"
	tgt_st="$(calc '%.2f s' "($t2 - $t1) / $tck")"
	tgt_wrk_us="$(calc '%.2f' "($t1 - $t0) * 1e6 / $tck / $wrk_reqs")"
	tgt_st_us="$(calc '%.2f' "($t2 - $t1) * 1e6 / $tck / $st_reqs")"
else
	tgt_wrk="n/a" tgt_st="n/a" tgt_wrk_us="n/a" tgt_st_us="n/a"
fi

# --- 3: memory per idle VU ------------------------------------------------------
for n in 1000 5000; do
	log "stampede run -u $n -d ${D}s idle.js"
	measure "idle_$n" $((D + 300)) "$ST" run -q --no-summary -u "$n" -d "${D}s" "$SCRIPTS/idle.js"
done
rss1k="$(timefield idle_1000 4)"
rss5k="$(timefield idle_5000 4)"
kb_per_vu="$(calc '%.1f' "($rss5k - $rss1k) / 4000")"

# --- 4: Trend memory ------------------------------------------------------------
for n in 100000 1000000; do
	log "stampede run -i 1 -e N=$n trend.js"
	measure "trend_$n" 120 "$ST" run -q --no-summary -i 1 -e "N=$n" "$SCRIPTS/trend.js"
done
rss_t1="$(timefield trend_100000 4)"
rss_t2="$(timefield trend_1000000 4)"
trend_diff_kb=$((rss_t2 - rss_t1))
b_per_sample="$(calc '%.2f' "$trend_diff_kb * 1024 / 900000")"

# --- 5: startup -------------------------------------------------------------------
log "startup: $STARTUP_RUNS runs of a 1-VU, 1-iteration empty script (+1 warm-up)"
startup() {
	local s e
	s="$(date +%s%N)"
	timeout -k 5 30 "$ST" run -q --no-summary -u 1 -i 1 "$SCRIPTS/noop.js" >>"$RAW/startup.out" 2>&1 ||
		die "startup run failed; see $RAW/startup.out"
	e="$(date +%s%N)"
	echo $(((e - s) / 1000))
}
startup >/dev/null
: >"$RAW/startup.us"
for _ in $(seq "$STARTUP_RUNS"); do startup >>"$RAW/startup.us"; done
sort -n "$RAW/startup.us" -o "$RAW/startup.us"
startup_med="$(awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}' "$RAW/startup.us")"
startup_min="$(awk 'NR == 1 {printf "%.1f", $1 / 1000}' "$RAW/startup.us")"
startup_max="$(awk 'END {printf "%.1f", $1 / 1000}' "$RAW/startup.us")"

# --- report ----------------------------------------------------------------------
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
cpu_model="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
[[ -n "$cpu_model" ]] || cpu_model="$(awk -F': ' '/^(Hardware|cpu model|uarch)/ {print $2; exit}' /proc/cpuinfo)"
wrk_version="$( (wrk -v 2>&1 || true) | awk 'NR == 1 {print $2; exit}')"
st_version="$("$ST" version 2>/dev/null | head -n 1 || true)"
mb() { calc '%.1f MB' "$1 / 1024"; }

report="$tmp/report.md"
{
	cat <<EOF
# stampede benchmarks

| | |
|---|---|
| date | $started |
| commit | \`$commit\` (${st_version:-stampede}) |
| machine | $(nproc) CPUs, ${cpu_model:-unknown CPU}, $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |
| kernel | $(uname -sr) |
| go | $(go env GOVERSION) $(go env GOOS)/$(go env GOARCH) |
| wrk | ${wrk_version:-unknown} |
| load average before / after | $load_before / $load_after |

| # | figure | stampede | reference | ratio | design target | |
|---|---|---:|---:|---:|---|---|
| 1 | throughput, $CONNS VUs/connections, ${D}s | $(calc '%.0f' "$st_rps") req/s | wrk $(calc '%.0f' "$wrk_rps") req/s | ${rps_ratio}× | ≥ 0.7× wrk | $(verdict "$rps_ratio >= 0.7") |
| 2 | CPU (user+sys) per request | ${st_us} µs | wrk ${wrk_us} µs | ${cpu_ratio}× | ≤ 1.5× wrk | $(verdict "$cpu_ratio <= 1.5") |
| 3 | RSS per extra idle VU | ${kb_per_vu} KB | k6 v0.32 ~210 KB | $(calc '%.2f' "$kb_per_vu / 210")× | ≤ 50 KB | $(verdict "$kb_per_vu <= 50") |
| 3a | max RSS, 1000 idle VUs | $(mb "$rss1k") | | | | |
| 3b | max RSS, 5000 idle VUs | $(mb "$rss5k") | | | | |
| 4 | Trend RSS growth, 100k → 1M samples | $(mb "$trend_diff_kb") (${b_per_sample} B/sample) | k6 ~40 B/sample | $(calc '%.2f' "($b_per_sample > 0 ? $b_per_sample : 0) / 40")× | flat (≤ 4 B/sample) | $(verdict "$b_per_sample <= 4") |
| 4a | max RSS, 100 000 Trend samples | $(mb "$rss_t1") | | | | |
| 4b | max RSS, 1 000 000 Trend samples | $(mb "$rss_t2") | | | | |
| 5 | startup, 1 VU × 1 iteration (median of $STARTUP_RUNS) | ${startup_med} ms | | | < 100 ms | $(verdict "$startup_med < 100") |

<details><summary>raw figures</summary>

| run | requests | errors | wall | user CPU | sys CPU | max RSS | target server CPU (per request) |
|---|---:|---:|---:|---:|---:|---:|---:|
| wrk -t2 -c$CONNS -d${D}s | $wrk_reqs | ${wrk_non2xx:-0} non-2xx/3xx${wrk_sockerr:+; socket: $wrk_sockerr} | $(timefield wrk 1) s | $(timefield wrk 2) s | $(timefield wrk 3) s | $(mb "$(timefield wrk 4)") | $tgt_wrk ($tgt_wrk_us µs) |
| stampede -u $CONNS -d ${D}s | $st_reqs | ${st_failed:-?} http_req_failed | $(timefield stampede_http 1) s | $(timefield stampede_http 2) s | $(timefield stampede_http 3) s | $(mb "$(timefield stampede_http 4)") | $tgt_st ($tgt_st_us µs) |
| stampede -u 1000 idle | | | $(timefield idle_1000 1) s | $(timefield idle_1000 2) s | $(timefield idle_1000 3) s | $(mb "$rss1k") | |
| stampede -u 5000 idle | | | $(timefield idle_5000 1) s | $(timefield idle_5000 2) s | $(timefield idle_5000 3) s | $(mb "$rss5k") | |
| stampede trend N=100000 | | | $(timefield trend_100000 1) s | $(timefield trend_100000 2) s | $(timefield trend_100000 3) s | $(mb "$rss_t1") | |
| stampede trend N=1000000 | | | $(timefield trend_1000000 1) s | $(timefield trend_1000000 2) s | $(timefield trend_1000000 3) s | $(mb "$rss_t2") | |

Startup over $STARTUP_RUNS runs: min ${startup_min} ms, median ${startup_med} ms, max ${startup_max} ms.
Load generator and target share the same $(nproc) CPUs; see bench/README.md.

</details>
EOF
} >"$report"

cp "$report" "$RESULTS/latest.md"
cp "$report" "$RESULTS/history/$(date -u -d "$started" +%Y%m%dT%H%M%SZ 2>/dev/null || date -u +%Y%m%dT%H%M%SZ).md"
cat "$report"
log "done in ${SECONDS}s; report in bench/results/latest.md, raw outputs in bench/results/raw/"
