#!/usr/bin/env bash
# The pipeline runs one way: ingest → model → analysis → report (src/lib.rs). A lower
# layer never imports a higher one; `model`, `error` and `files` (what a path names)
# import nothing else of the crate; only `config` knows the command line (`cli`). This
# script fails, naming the file and line, when a module reaches for a layer it may not
# use. Unit tests (a module's child `tests.rs`, `tests/` folders) may use anything, the
# shared test kit `src/testkit.rs` included, so they are not checked. `.ci/run` runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

# layer: the crate modules it may use (besides itself).
declare -A allowed=(
    [error]=""
    [files]=""
    [model]=""
    [output]="error files"
    [cli]=""
    [ingest]="error files model"
    [analysis]="error model"
    [report]="error files model analysis"
    [config]="error files model ingest analysis report cli"
)

status=0
for layer in "${!allowed[@]}"; do
    files=$(find "src/$layer" "src/$layer.rs" -name '*.rs' ! -name tests.rs ! -path '*/tests/*' 2>/dev/null || true)
    [ -z "$files" ] && continue
    # Every `crate::name` a file mentions, with its line.
    while IFS=: read -r file line used; do
        [ "$used" = "$layer" ] && continue
        if ! grep -qw -- "$used" <<<"${allowed[$layer]}"; then
            echo "$file:$line: '$layer' may not use crate::$used (allowed: ${allowed[$layer]:-nothing})"
            status=1
        fi
    done < <(grep -HnoE 'crate::[a-z_]+' $files | sed -E 's/crate:://' )
done
if [ $status -eq 0 ]; then
    echo "layers: ok (ingest, analysis → model; report → analysis, model; only config knows cli)"
fi
exit $status
