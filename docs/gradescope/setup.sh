#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu, as root). The autograder zip holds the
# whole course checkout plus these two files at its top level; Gradescope unpacks it into /autograder/source.
#
# Make the zip from a clean checkout:   git archive --format=zip -o autograder.zip HEAD
# and add setup.sh and run_autograder at the top of the zip (Gradescope looks for them there).
set -euo pipefail
cd /autograder/source
./course setup
# Grade the reference solution once: this builds everything grading needs (the CPU backend with its memory
# checker, the tests) into the image, and fails the image build if the reference does not get full marks.
LAB="$(cat /autograder/source/docs/gradescope/LAB 2>/dev/null || echo 01)"
./course grade "$LAB" --submission "solutions/$(cd solutions && ls -d "${LAB}"_* | head -n1)" --out /tmp/reference.json
python3 - <<'PY'
import json, sys
r = json.load(open("/tmp/reference.json"))
sys.exit(0 if r["score"] == r["max_score"] else "the reference solution did not get full marks")
PY
