# Sourced by benchmarks that run several commands in interleaved rounds and print medians.
# Needs $work (a scratch folder; $work/store is removed before each run) and die().
#
#   round_run NAME CMD...   one timed run of CMD, appended to $work/NAME.runs as
#                           "wall_s cpu_s rss_kib" (CPU = user + system)
#   print_round_medians ROUNDS BASELINE NAMES_ARRAY FILES_ARRAY
#                           a table of medians, each wall time also as a ratio to BASELINE's

round_run() {
  local name=$1; shift
  rm -rf "$work/store"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" > "$work/last.log" 2>&1 || { tail -5 "$work/last.log" >&2; die "$name failed"; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$work/time" >> "$work/$name.runs"
}

round_median() {  # round_median COLUMN FILE
  sort -n -k"$1","$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

print_round_medians() {
  local rounds=$1 baseline=$2
  local -n row_names=$3 row_files=$4
  local base_wall i f wall
  base_wall=$(round_median 1 "$work/$baseline.runs")
  printf '\n%-24s %9s %9s %11s %13s\n' "median of $rounds rounds" "wall (s)" "CPU-s" "RSS (KiB)" "wall / $baseline"
  for i in "${!row_files[@]}"; do
    f="$work/${row_files[$i]}.runs"
    wall=$(round_median 1 "$f")
    printf '%-24s %9s %9s %11s %13s\n' "${row_names[$i]}" "$wall" "$(round_median 2 "$f")" "$(round_median 3 "$f")" \
      "$(awk -v a="$wall" -v b="$base_wall" 'BEGIN { printf "%.2fx", a / b }')"
  done
  echo "corpus $(du -sh "$corpus" | cut -f1), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
}
