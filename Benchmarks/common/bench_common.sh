# Shell helpers the benchmark scripts share (sourced by Benchmarks/*/run.sh).

step() { printf '\n==> %s\n' "$*" >&2; }
warn() { printf 'run.sh: warning: %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

# Percent of the machine's CPU used over one second (by others: nothing of ours runs then).
cpu_busy() {
    local a b
    read -r -a a < /proc/stat
    sleep 1
    read -r -a b < /proc/stat
    local t1=$(( a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8] ))
    local t2=$(( b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8] ))
    local i1=$(( a[4] + a[5] )) i2=$(( b[4] + b[5] ))
    local dt=$(( t2 - t1 ))
    (( dt > 0 )) || { echo 0; return; }
    echo $(( 100 * ((t2 - t1) - (i2 - i1)) / dt ))
}

# Wait up to IDLE_WAIT seconds (default 120) for other processes to use < 20% of the CPU,
# then append "label<TAB>busy%" to $1/busy.txt, so a report can tell a loaded run.
wait_idle() {
    local dir="$1" label="$2" busy waited=0 limit="${IDLE_WAIT:-120}"
    [[ -r /proc/stat ]] || return 0
    busy="$(cpu_busy)"
    while (( busy >= 20 && waited < limit )); do
        (( waited == 0 )) && printf 'run.sh: other processes use %s%% of the CPU; waiting up to %s s before %s\n' \
            "$busy" "$limit" "$label" >&2
        sleep 4
        waited=$(( waited + 5 ))
        busy="$(cpu_busy)"
    done
    (( busy >= 20 )) && warn "other processes use ${busy}% of the CPU while $label runs; its figures may be low"
    printf '%s\t%s\n' "$label" "$busy" >> "$dir/busy.txt"
}
