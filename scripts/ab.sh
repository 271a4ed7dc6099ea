#!/usr/bin/env bash
# Time two kpilens binaries in turn on the same arguments, one run of each alternately,
# so that a noisy machine slows both alike; prints each binary's fastest and median
# wall time. Usage: scripts/ab.sh ROUNDS BIN_A BIN_B ARGS...
# e.g. scripts/ab.sh 10 ./old ./target/release/kpilens report big.csv -o /tmp/r.xlsx --quiet
set -euo pipefail
rounds=$1 a=$2 b=$3
shift 3
for _ in $(seq "$rounds"); do
  for bin in "$a" "$b"; do
    /usr/bin/time -f "$bin %e" "$bin" "$@" 2>&1 >/dev/null | tail -1
  done
done | awk '
  { t[$1] = t[$1] " " $2 }
  END {
    for (bin in t) {
      n = split(substr(t[bin], 2), v, " ")
      # sort the n times (few enough for a simple insertion sort)
      for (i = 2; i <= n; i++) { x = v[i]; for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
      printf "%s: fastest %.2f s, median %.2f s (%d runs)\n", bin, v[1], v[int((n + 1) / 2)], n
    }
  }'
