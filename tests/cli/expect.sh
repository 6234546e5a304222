#!/usr/bin/env bash
# expect.sh CODE REGEX -- COMMAND...: runs COMMAND, passes when it exits with CODE and its
# combined output matches the extended regular expression REGEX.
set -u
want=$1; regex=$2; shift 3
out=$("$@" 2>&1); got=$?
if [[ $got -ne $want ]]; then
  printf 'expected exit %s, got %s\n--- output ---\n%s\n' "$want" "$got" "$out"; exit 1
fi
if ! grep -Eq -- "$regex" <<<"$out"; then
  printf 'output does not match /%s/\n--- output ---\n%s\n' "$regex" "$out"; exit 1
fi
echo "ok: exit $got, output matches /$regex/"
