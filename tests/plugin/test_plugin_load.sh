#!/bin/sh
# Checks the plugin loader: a wrong ABI, a missing entry symbol and a
# missing file are refused with a clear message and exit status 1, and so
# are --plugin-options a plugin does not know; the real plugins export
# exactly one symbol.
#   test_plugin_load.sh CARID BAD_ABI_SO NO_ENTRY_SO PLUGIN_SO...
set -u
carid=$1 bad_abi=$2 no_entry=$3
shift 3
pass=0 fail=0
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

check() { # name, expected-message-regex, plugin, [plugin options]
    out=$("$carid" --port 1 --data "$data" --plugin "$3" \
        --plugin-options "${4:-}" 2>&1)
    rc=$?
    if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -Eq "$2"; then
        pass=$((pass + 1)); echo "ok - $1"
    else
        fail=$((fail + 1)); echo "not ok - $1 (exit $rc): $out"
    fi
}

check "wrong ABI refused" "ABI [0-9]+, daemon speaks [0-9]+" "$bad_abi"
check "missing entry refused" "no symbol carid_plugin_entry" "$no_entry"
check "missing file refused" "plugin .*(No such file|cannot open)" "$data/none.so"

for so in "$@"; do
    case $(basename "$so") in
    carid_fts5.so)
        check "fts5: unknown option refused" \
            "unknown plugin option 'mmap' \(fts5 knows mmap_mb" "$so" "mmap=1"
        check "fts5: bad value refused" \
            "plugin option cache_mb must be an integer in 1\.\." "$so" \
            "mmap_mb=0,cache_mb=0"
        check "fts5: value not a number refused" \
            "plugin option mmap_mb must be an integer" "$so" "mmap_mb=lots"
        ;;
    carid_mem.so)
        check "mem: options refused" "takes no --plugin-options" "$so" "x=1"
        ;;
    esac
done

for so in "$@"; do
    syms=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^_' | sort -u)
    if [ "$syms" = "carid_plugin_entry" ]; then
        pass=$((pass + 1)); echo "ok - $(basename "$so") exports only carid_plugin_entry"
    else
        fail=$((fail + 1)); echo "not ok - $(basename "$so") exports: $syms"
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
