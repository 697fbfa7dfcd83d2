#!/usr/bin/env bash
# Installs the Python S3 clients that tests/real_clients.rs drives against
# examples/s3_server.rs: boto3 and the AWS CLI (v1, the `awscli` package),
# from PyPI, into a virtual environment at
#   ${AWSIG_PYTHON_CLIENTS:-${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}/venv}
# unless exactly these versions are already there (then it does nothing).
#
# Every package is pinned, dependencies included, to the versions the tests
# were checked with. Needs python3 with the venv module (`PYTHON` overrides).
set -euo pipefail

ROOT="${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}"
VENV="${AWSIG_PYTHON_CLIENTS:-$ROOT/venv}"
PYTHON="${PYTHON:-python3}"

REQUIREMENTS="awscli==1.46.3
boto3==1.44.8
botocore==1.44.8
s3transfer==0.19.3
colorama==0.4.6
docutils==0.19
jmespath==1.1.0
pyasn1==0.6.5
python-dateutil==2.9.0.post0
PyYAML==6.0.4
rsa==4.7.2
six==1.17.0
urllib3==2.8.0"
STAMP="$VENV/awsig-requirements.txt"

installed() {
    [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/aws" ] && [ -f "$STAMP" ] &&
        [ "$(cat "$STAMP")" = "$REQUIREMENTS" ] &&
        "$VENV/bin/python" -c 'import boto3, botocore' 2>/dev/null &&
        "$VENV/bin/aws" --version >/dev/null 2>&1
}

if installed; then
    echo "boto3 and the AWS CLI already installed: $VENV ($("$VENV/bin/aws" --version 2>&1))"
    exit 0
fi

if [ -e "$VENV" ] && [ ! -f "$VENV/pyvenv.cfg" ] && [ -n "$(ls -A "$VENV" 2>/dev/null)" ]; then
    echo "error: $VENV exists and is not a virtual environment; remove it or set AWSIG_PYTHON_CLIENTS" >&2
    exit 1
fi

echo "installing boto3 and the AWS CLI into $VENV (takes about 15-30 seconds)"
mkdir -p "$(dirname "$VENV")"
"$PYTHON" -m venv --clear "$VENV"
printf '%s\n' "$REQUIREMENTS" >"$VENV/requirements.txt"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$VENV/requirements.txt"

# What was installed is what was asked for.
"$VENV/bin/python" - "$VENV/requirements.txt" <<'PY'
import sys
from importlib.metadata import version

wrong = []
for line in open(sys.argv[1]):
    name, _, wanted = line.strip().partition("==")
    if version(name) != wanted:
        wrong.append(f"{name} {version(name)} (wanted {wanted})")
if wrong:
    sys.exit("error: installed " + ", ".join(wrong))
PY
"$VENV/bin/aws" --version
printf '%s' "$REQUIREMENTS" >"$STAMP"
echo "boto3 and the AWS CLI installed: $VENV"
