#!/usr/bin/env bash
# Fails when a C++ file of the compiler differs from what clang-format makes
# of it with the repository's .clang-format (LLVM style). Reformat with
#   clang-format -i $(git ls-files '*.cpp' '*.h' | grep -v '^runtime/')
set -euo pipefail
cd "$1"
mapfile -t files < <(find dialects include lib tools test/Unit test/fuzz \
  \( -name '*.cpp' -o -name '*.h' \) | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files formatted"
