#!/usr/bin/env bash
# Restart latency and sustained restart rate: autotrader's supervisor next to Erlang/OTP's, on
# this machine, measured the same way (see the comments of both programs). Prints both figures
# and the ratios. Usage: bench/compare_restart.sh [CRASHES] [SUSTAIN_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
crashes=${1:-10000}
sustain_ms=${2:-2000}
scripts/install-deps --test >/dev/null

cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DAUTOTRADER_BUILD_TESTS=OFF \
  -DAUTOTRADER_BUILD_BENCH=ON >/dev/null
cmake --build build/bench --target supervision_restart_bench >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
erlc -o "$work" bench/otp/restart_bench.erl

echo "== autotrader (CAF 0.17.6; logging to a file and metrics on)"
ours=$(build/bench/bench/supervision_restart_bench --crashes="$crashes" --sustain_ms="$sustain_ms" \
  --log_dir="$work/autotrader" --benchmark_format=console 2>/dev/null | grep '^autotrader_')
echo "$ours"
echo "== Erlang/OTP $(erl -noshell -eval 'io:format("~s",[erlang:system_info(otp_release)]),halt().') supervisor (reports logged to a file)"
otp=$(cd "$work" && erl -noshell -pa "$work" -run restart_bench main "$crashes" "$work/otp.log" "$sustain_ms")
echo "$otp"
echo "== Erlang/OTP supervisor (logging off)"
otp_nolog=$(cd "$work" && erl -noshell -pa "$work" -run restart_bench main "$crashes" nolog "$sustain_ms")
echo "$otp_nolog"

field() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" <<<"$2" | head -1; }
rate() { sed -n "s/.*_per_second \([0-9]*\).*/\1/p" <<<"$1" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
a50=$(field p50 "$ours"); a99=$(field p99 "$ours"); arate=$(rate "$ours")
o50=$(field p50 "$otp"); o99=$(field p99 "$otp"); orate=$(rate "$otp")
n50=$(field p50 "$otp_nolog"); n99=$(field p99 "$otp_nolog"); nrate=$(rate "$otp_nolog")
echo "== ratios (OTP / autotrader; goal: p50 and p99 at least 5x lower than OTP's)"
echo "p50: OTP logged $(ratio "$o50" "$a50")x, OTP unlogged $(ratio "$n50" "$a50")x"
echo "p99: OTP logged $(ratio "$o99" "$a99")x, OTP unlogged $(ratio "$n99" "$a99")x"
echo "sustained restarts/s: autotrader/OTP logged $(ratio "$arate" "$orate")x, autotrader/OTP unlogged $(ratio "$arate" "$nrate")x"
