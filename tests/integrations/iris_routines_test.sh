#!/usr/bin/env bash
# Static checks of the IRIS routines in integrations/iris (no IRIS is available to compile them):
#  - each routine exists, has the right UDL header and its entry points; calls between them resolve;
#  - the cloudvip command lines use only the CLI surface (verbs and flags) and run under a hard timeout;
#  - nothing is installed at run time (no pip, boto3, Python) and the failover path never deletes a route;
#  - line-level syntax sanity: strings terminated and parentheses balanced per line, braces per file;
#  - cloudvip command lines quoted in the docs use only real flags, each one its command's.
# The CLI surface (verbs, and flags per verb) is read from the built binary's --help, not copied by hand.
# The checkers first prove they can fail, on bad samples. Usage: iris_routines_test.sh SOURCE_DIR CLOUDVIP
set -u

root=${1:?usage: iris_routines_test.sh SOURCE_DIR CLOUDVIP}
cli=${2:?usage: iris_routines_test.sh SOURCE_DIR CLOUDVIP}
dir=$root/integrations/iris
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# --- the CLI surface, from the binary ------------------------------------------------------------------------
if [ ! -x "$cli" ]; then
  echo "FAIL: no cloudvip binary at $cli (build it: cmake --build build --target cloudvip)" >&2
  exit 1
fi
# The flags an option line of a --help text declares ("  -h,--help  ...", "  --route-table RTB ...").
help_flags() { grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z-]*' | sed -E 's/^ +(-[a-zA-Z],)?//' | sort -u | tr '\n' ' '; }
# The subcommands the top-level --help lists.
help_verbs() { sed -n '/^Subcommands:/,/^$/p' | grep -oE '^  [a-z][a-z-]*' | tr -d ' ' | tr '\n' ' '; }
top_help=$("$cli" --help 2>&1) || { echo "FAIL: $cli --help exited $?" >&2; exit 1; }
global_flags=" $(help_flags <<<"$top_help")"
allowed_verbs=" $(help_verbs <<<"$top_help")"
declare -A verb_flags
all_verb_flags=" "
for verb in $allowed_verbs; do
  verb_help=$("$cli" "$verb" --help 2>&1) || fail "$cli $verb --help exited $?"
  # CLI11 prints the top-level help for an unknown subcommand's --help: insist on the verb's own usage line.
  grep -q "^Usage: cloudvip $verb " <<<"$verb_help" || fail "$cli $verb --help is not $verb's help"
  verb_flags[$verb]=" $(help_flags <<<"$verb_help")"
  all_verb_flags+="${verb_flags[$verb]} "
done
# Sanity: the parse found the surface (else every flag below would be refused for a reason nobody sees).
for must in " acquire " " release "; do
  case "$allowed_verbs" in *"$must"*) ;; *) echo "FAIL: no '$must' in the subcommands of $cli --help: '$allowed_verbs'" >&2; exit 1 ;; esac
done
for must in " --timeout " " --config " " --vip "; do
  case "$global_flags" in *"$must"*) ;; *) echo "FAIL: no '$must' among the flags of $cli --help: '$global_flags'" >&2; exit 1 ;; esac
done
# A routine passes flags to cloudvip (any verb's, or a global one) and to coreutils timeout (--kill-after).
allowed_flags="$global_flags $all_verb_flags --kill-after "

# Prints one line per syntax problem in an ObjectScript routine: unterminated string or unbalanced () on a line
# (comments after ; // #; ignored, "" inside a string is an escaped quote), unbalanced {} over the file.
lint() {
  awk '
    NR == 1 && /^ROUTINE / { next }
    {
      line = $0; n = length(line); in_str = 0; parens = 0
      for (i = 1; i <= n; i++) {
        c = substr(line, i, 1)
        if (in_str) {
          if (c == "\"") {
            if (substr(line, i + 1, 1) == "\"") { i++ } else { in_str = 0 }
          }
          continue
        }
        two = substr(line, i, 2)
        if (c == ";" || two == "//" || two == "#;") { break }
        if (c == "\"") { in_str = 1 }
        else if (c == "(") { parens++ }
        else if (c == ")") { parens--; if (parens < 0) { break } }
        else if (c == "{") { braces++ }
        else if (c == "}") { braces--; if (braces < 0) { print FILENAME ":" NR ": } without {"; braces = 0 } }
      }
      if (in_str) { print FILENAME ":" NR ": unterminated string" }
      if (parens != 0) { print FILENAME ":" NR ": unbalanced parentheses" }
    }
    END { if (braces != 0) { print FILENAME ": " braces " unclosed {" } }
  ' "$1"
}

# Prints the string literals of the code (not comments), one per line, without their quotes.
literals() {
  awk '
    NR == 1 && /^ROUTINE / { next }
    {
      line = $0; n = length(line); in_str = 0; s = ""
      for (i = 1; i <= n; i++) {
        c = substr(line, i, 1)
        if (in_str) {
          if (c == "\"" && substr(line, i + 1, 1) == "\"") { s = s "\""; i++ }
          else if (c == "\"") { print s; in_str = 0 }
          else { s = s c }
          continue
        }
        two = substr(line, i, 2)
        if (c == ";" || two == "//" || two == "#;") { break }
        if (c == "\"") { in_str = 1; s = "" }
      }
    }
  ' "$1"
}

# Prints every flag literal of a routine that is not in the CLI surface.
bad_flags() {
  literals "$1" | grep -E '^--' | sed 's/=.*//' | while read -r flag; do
    case "$allowed_flags" in *" $flag "*) ;; *) echo "$1: flag $flag is not in the cloudvip CLI surface" ;; esac
  done
}

# Prints every cloudvip verb a routine passes to $$Run that is not a cloudvip subcommand.
bad_verbs() {
  grep -oE 'Run\("[a-z-]+"' "$1" | sed -E 's/Run\("([a-z-]+)"/\1/' | while read -r verb; do
    case "$allowed_verbs" in *" $verb "*) ;; *) echo "$1: cloudvip verb '$verb' does not exist" ;; esac
  done
}

# Prints every flag of a `cloudvip ...` command quoted in a Markdown file that its command does not have: a
# global flag, or one of the command's own (the first word that is a verb). The command runs from "cloudvip "
# to a closing backtick, a pipe, ;, && or the end of the line.
bad_doc_flags() {
  local command verb word flag allowed
  grep -oE 'cloudvip [^`|;&]*' "$1" | sort -u | while read -r command; do
    verb=""
    for word in $command; do
      case "$allowed_verbs" in *" $word "*) verb=$word; break ;; esac
    done
    allowed="$global_flags ${verb:+${verb_flags[$verb]}} "
    grep -oE '(^| )--[a-z][a-z-]*' <<<"$command" | sed 's/^ //' | while read -r flag; do
      case "$allowed" in
        *" $flag "*) ;;
        *) echo "$1: documented flag $flag is not a flag of 'cloudvip${verb:+ $verb}' ($command)" ;;
      esac
    done
  done
}

# Prints every label^ROUTINE naming one of our routines whose label that routine does not define.
bad_calls() {
  grep -oE '[A-Za-z][A-Za-z0-9]*\^%?Z(CLOUDVIP|MIRROR|START|STOP)\b' "$1" | sort -u | while IFS='^' read -r label target; do
    grep -qE "^$label\(" "$dir/${target#%}.mac" 2>/dev/null || echo "$1 calls $label^$target, which is not defined"
  done
}

# --- the checkers must be able to fail ---------------------------------------------------------------------
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'ROUTINE X [Type=MAC]\nX() {\n  set a = "unterminated\n  set b = $get(c\n  set d = "ok ""quoted"" (" // "comment (\n' >"$tmp/bad.mac"
printf 'Run(verb) {\n  set argv(1) = "--force"\n  quit $$Run("destroy")\n' >>"$tmp/bad.mac"
printf '  do Nowhere^ZMIRROR()\n' >>"$tmp/bad.mac"
printf 'Run `cloudvip acquire --everywhere` then\nor `cloudvip acquire --fix` and `cloudvip check --fix`\n' >"$tmp/bad.md"
[ "$(lint "$tmp/bad.mac" | grep -c 'unterminated string')" = 1 ] || fail "self-test: lint misses an unterminated string"
[ "$(lint "$tmp/bad.mac" | grep -c 'unbalanced parentheses')" = 1 ] || fail "self-test: lint misses unbalanced ()"
lint "$tmp/bad.mac" | grep -q 'unclosed {' || fail "self-test: lint misses an unclosed {"
bad_flags "$tmp/bad.mac" | grep -q -- '--force' || fail "self-test: a made-up flag passes"
bad_verbs "$tmp/bad.mac" | grep -q destroy || fail "self-test: a made-up verb passes"
bad_calls "$tmp/bad.mac" | grep -q 'Nowhere^ZMIRROR' || fail "self-test: a call to a missing label passes"
bad_doc_flags "$tmp/bad.md" | grep -q -- '--everywhere' || fail "self-test: a made-up documented flag passes"
bad_doc_flags "$tmp/bad.md" | grep -q -- "--fix is not a flag of 'cloudvip acquire'" ||
  fail "self-test: a flag of another command (acquire --fix) passes"
[ "$(bad_doc_flags "$tmp/bad.md" | grep -c -- "'cloudvip check'")" = 0 ] || fail "self-test: check --fix is refused"

# --- the routines ------------------------------------------------------------------------------------------
declare -A routine_of=([ZCLOUDVIP]=ZCLOUDVIP [ZMIRROR]=ZMIRROR [ZSTART]=%ZSTART [ZSTOP]=%ZSTOP)
for file in ZCLOUDVIP ZMIRROR ZSTART ZSTOP; do
  path=$dir/$file.mac
  if [ ! -f "$path" ]; then
    fail "$path is missing"
    continue
  fi
  name=${routine_of[$file]}
  [ "$(head -n 1 "$path")" = "ROUTINE $name [Type=MAC]" ] || fail "$path: line 1 must be 'ROUTINE $name [Type=MAC]'"
  sed -n 2p "$path" | grep -q "^$name " || fail "$path: line 2 must start with the routine label $name"
  while read -r problem; do fail "$problem"; done < <(lint "$path"; bad_flags "$path"; bad_verbs "$path")
  if grep -qiwE 'pip3?|boto3|python' "$path"; then fail "$path mentions pip/boto3/Python: the hooks install nothing"; fi
  grep -qiE '\$zf\(' "$path" && [ "$file" != ZCLOUDVIP ] && fail "$path runs a command itself; only ZCLOUDVIP may"
  while read -r problem; do fail "$problem"; done < <(bad_calls "$path")
done

# entry points, each wrapped in try/catch so nothing is thrown into the mirror or the startup
entry_body() { awk -v label="$2" '$0 ~ "^" label "\\(" { on = 1 } on { print } on && /^}/ { exit }' "$1"; }
check_entry() {
  local path=$dir/$1.mac body
  body=$(entry_body "$path" "$2")
  [ -n "$body" ] || { fail "$path has no entry point $2"; return; }
  head -n 1 <<<"$body" | grep -qE "^$2\(\) PUBLIC \{" || fail "$path: $2 must be 'PUBLIC {'"
  grep -q 'try {' <<<"$body" && grep -q '} catch ex {' <<<"$body" || fail "$path: $2 must catch everything (try/catch)"
  grep -q 'WriteToConsoleLog' <<<"$body" || fail "$path: $2 must log a caught exception to messages.log"
}
check_entry ZMIRROR NotifyBecomePrimary
check_entry ZSTART SYSTEM
check_entry ZSTOP SYSTEM
run_body=$(entry_body "$dir/ZCLOUDVIP.mac" Run)
grep -q 'try {' <<<"$run_body" && grep -q '} catch ex {' <<<"$run_body" || fail "ZCLOUDVIP: Run must catch everything"

# the hard timeout: coreutils timeout wraps cloudvip, with a KILL after TERM, and cloudvip gets --timeout too
zc=$dir/ZCLOUDVIP.mac
grep -qE '\$zf\(-100, *flags, *"/usr/bin/timeout", *\.argv\)' "$zc" || fail "$zc: cloudvip must run under /usr/bin/timeout"
literals "$zc" | grep -qx -- '--kill-after=2' || fail "$zc: timeout needs --kill-after"
literals "$zc" | grep -qx -- '--timeout' || fail "$zc: cloudvip must get its own --timeout"
grep -qE 'get\(\^cloudvip\("timeout"\), *[0-9]+\)' "$zc" || fail "$zc: the limit needs a numeric default"
grep -q 'WriteToConsoleLog(msg, 0, $select(rc = 0: 0, 1: 2))' "$zc" || fail "$zc: outcome must be logged, 0 ok / 2 failure"

# the failover path and the start path never delete routes; the stop path only when switched on and primary
for file in ZMIRROR ZSTART; do
  if grep -qiE 'delete-?routes?|Release\^' "$dir/$file.mac"; then fail "$file.mac must never release or delete routes"; fi
done
# The hooks signal (a running daemon gets the role and the hook returns at once) and fall back to acting here
# only when no daemon runs: Signal must run `notify ROLE --fallback`, and the entry points must use Signal.
signal_body=$(entry_body "$zc" Signal)
[ -n "$signal_body" ] || fail "$zc has no entry point Signal"
grep -qF 'quit $$Run("notify", $listbuild(role, "--fallback"), $get(caller, "?"))' <<<"$signal_body" ||
  fail "$zc: Signal must run cloudvip notify ROLE --fallback"
grep -q 'Signal^ZCLOUDVIP("primary", "NotifyBecomePrimary^ZMIRROR")' "$dir/ZMIRROR.mac" ||
  fail "ZMIRROR must signal primary (Signal^ZCLOUDVIP)"
grep -q 'Signal^ZCLOUDVIP("primary", "SYSTEM^%ZSTART")' "$dir/ZSTART.mac" || fail "ZSTART must signal primary"
grep -q "if '\$SYSTEM.Mirror.IsMember() {" "$dir/ZSTART.mac" || fail "ZSTART must skip mirror members"
for file in ZMIRROR ZSTART; do
  if grep -q 'Acquire^ZCLOUDVIP' "$dir/$file.mac"; then fail "$file.mac must signal, not acquire past a running daemon"; fi
done
# ZSTOP: only the owner signals standby; it deletes routes only when switched on (default off), inside that test.
zstop_body=$(entry_body "$dir/ZSTOP.mac" SYSTEM)
grep -qF 'if ('"'"'$SYSTEM.Mirror.IsMember() || $SYSTEM.Mirror.IsPrimary()) {' <<<"$zstop_body" ||
  fail "ZSTOP must act only when this member owns the VIP"
grep -q 'Signal^ZCLOUDVIP("standby", "SYSTEM^%ZSTOP")' <<<"$zstop_body" || fail "ZSTOP must signal standby"
owner_block=$(awk '/IsPrimary\(\)\) \{/ { on = 1 } on { print } on && /^    \}/ { exit }' <<<"$zstop_body")
grep -qF 'if $get(^cloudvip("zstop.release"), 0) {' <<<"$owner_block" ||
  fail "ZSTOP must delete routes only when ^cloudvip(\"zstop.release\") is set, inside the owner test"
grep -q 'Release^ZCLOUDVIP("SYSTEM^%ZSTOP", 1)' <<<"$owner_block" || fail "ZSTOP must call Release with deleteRoutes"

# --- the docs ----------------------------------------------------------------------------------------------
for doc in "$dir/README.md" "$root/docs/iris.md" "$root/docs/aws-setup.md"; do
  if [ ! -f "$doc" ]; then
    fail "$doc is missing"
    continue
  fi
  while read -r problem; do fail "$problem"; done < <(bad_doc_flags "$doc")
done

if [ "$failures" -ne 0 ]; then
  echo "iris_routines: $failures check(s) failed" >&2
  exit 1
fi
echo "iris_routines: all checks passed"
