#!/usr/bin/env bash
# The fidelity harness: for each notebook of a sample of the pinned corpus, run it top to bottom
# in a fresh kernel (nb2prod run), lift it (nb2prod convert), and prove the package in a fresh
# environment (nb2prod verify). One notebook at a time; each in a copy of its folder, so the
# corpus is never changed. Prints one line per notebook and the counts; every step's output is
# kept under OUT/NN/.
#
#   python3 scripts/corpus.py extract corpus
#   bash scripts/fidelity.sh corpus scripts/fidelity_sample.txt /tmp/fidelity
#
# The sample lists `kind|path under the corpus`, one a line, chosen before looking at results.
set -uo pipefail
corpus=$(cd "${1:?corpus folder}" && pwd)
sample=$(cd "$(dirname "${2:?sample file}")" && pwd)/$(basename "$2")
out=${3:?output folder}
mkdir -p "$out"
out=$(cd "$out" && pwd)
i=0 ran=0 converted=0 verified=0
while IFS='|' read -r kind rel; do
  [ -n "$rel" ] || continue
  i=$((i + 1)); n=$(printf %02d "$i"); d="$out/$n"
  rm -rf "$d"; mkdir -p "$d"
  cp -r "$(dirname "$corpus/$rel")" "$d/w"
  nb=$(basename "$rel")
  run=- conv=- ver=-
  (cd "$d/w" && timeout 1200 nb2prod run "$nb" -o ran.ipynb --timeout 120 </dev/null \
    >"$d/run.out" 2>"$d/run.err"); run=$?
  if [ "$run" = 0 ]; then
    ran=$((ran + 1))
    (cd "$d/w" && timeout 300 nb2prod convert ran.ipynb -o pkg --no-lock </dev/null \
      >"$d/convert.out" 2>"$d/convert.err"); conv=$?
    if [ "$conv" = 0 ]; then
      converted=$((converted + 1))
      (cd "$d/w" && timeout 700 nb2prod verify pkg --timeout 600 </dev/null \
        >"$d/verify.out" 2>"$d/verify.err"); ver=$?
      [ "$ver" = 0 ] && verified=$((verified + 1))
    fi
  fi
  echo "$n run=$run convert=$conv verify=$ver $kind $rel"
done <"$sample"
echo "sampled $i, ran $ran, converted $converted, verified $verified (verified / ran is the figure)"
