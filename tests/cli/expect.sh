#!/usr/bin/env bash
# expect.sh CODE REGEX -- COMMAND...: runs COMMAND, passes when it exits with CODE and its
# combined output matches the regular expression REGEX (extended syntax: ( ) | + ? { } are
# operators, \( \. … are literals).
#
# The output is matched as one text, not line by line: a newline in REGEX matches a line
# break, so "A.*\n.*B" needs a line with A followed directly by a line with B (with grep, a
# pattern holding a newline is a list of alternatives, and any one of its lines was enough).
# ^ and $ match at the start and end of every line; . never crosses a line break (a negated
# class like [^x] may).
set -u
want=$1; regex=$2; shift 3
out=$("$@" 2>&1); got=$?
if [[ $got -ne $want ]]; then
  printf 'expected exit %s, got %s\n--- output ---\n%s\n' "$want" "$got" "$out"; exit 1
fi
# Perl, slurping the whole output (-0777); the pattern travels in the environment, so nothing
# in it is interpolated or quoted by the shell. Exit 0 matched, 1 not, 2 the pattern is invalid.
matched=$(EXPECT_RE=$regex perl -0777 -ne '
  my $re = eval { qr/$ENV{EXPECT_RE}/m };
  if (!defined $re) { print "invalid pattern: $@"; exit 2 }
  exit(/$re/ ? 0 : 1)' <<<"$out")
case $? in
  0) ;;
  1) printf 'output does not match /%s/\n--- output ---\n%s\n' "$regex" "$out"; exit 1 ;;
  *) printf 'bad pattern /%s/: %s\n' "$regex" "$matched"; exit 1 ;;
esac
echo "ok: exit $got, output matches /$regex/"
