"""boto3 against examples/s3_server.rs, driven by tests/real_clients.rs.

    python boto3_cases.py CASE ARGS_JSON

prints one JSON object: what boto3 (and urllib, for presigned URLs) saw.
The assertions are in tests/real_clients.rs; this file only drives the
client and reports, so that a failure shows up there with both sides.

Environment (set by the Rust test): AWSIG_S3_ENDPOINT (http://127.0.0.1:PORT),
AWSIG_S3_ACCESS_KEY, AWSIG_S3_SECRET_KEY; AWS_CONFIG_FILE and friends point
away from the user's own AWS configuration.
"""

import base64
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["AWSIG_S3_ENDPOINT"]
ACCESS_KEY = os.environ["AWSIG_S3_ACCESS_KEY"]
SECRET_KEY = os.environ["AWSIG_S3_SECRET_KEY"]


def client(
    access_key=ACCESS_KEY,
    secret_key=SECRET_KEY,
    session_token=None,
    addressing_style="path",
    endpoint=ENDPOINT,
    **config,
):
    """An S3 client signing with SigV4, one attempt per call (no retries,
    so that each refusal is the server's answer to exactly one request).
    Virtual-host style needs a host name (botocore uses path style for an
    IP address): BUCKET.localhost."""
    if addressing_style == "virtual":
        endpoint = endpoint.replace("://127.0.0.1:", "://localhost:")
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": addressing_style},
            retries={"total_max_attempts": 1},
            **config,
        ),
    )


def b64(data):
    return base64.b64encode(data).decode()


def error(e):
    """A refusal as botocore parsed it from the server's XML: every element
    of <Error> (Code, Message, HeadersNotSigned, StringToSign, ...), and the
    HTTP status."""
    out = dict(e.response.get("Error", {}))
    out["status"] = e.response["ResponseMetadata"]["HTTPStatusCode"]
    return out


def call(f, **kwargs):
    """{"ok": response} or {"error": error(...)}."""
    try:
        return {"ok": f(**kwargs)}
    except ClientError as e:
        return {"error": error(e)}


def fetch(url, method="GET", data=None, headers=None):
    """A plain urllib request (for presigned URLs): status and body, the
    body of a refusal included."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return {"status": r.status, "body": b64(r.read())}
    except urllib.error.HTTPError as e:
        return {"status": e.code, "body": b64(e.read())}


def exists(s3, bucket, key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise


def resolve_localhost_names():
    """*.localhost is not resolved by this machine's libc: resolve it to
    127.0.0.1 here (the Host header stays BUCKET.localhost:PORT)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


# ---------------------------------------------------------------------------
# Cases


def objects(args):
    """Create a bucket, put/head/get/list/delete the given objects."""
    s3 = client(addressing_style=args.get("addressing_style", "path"))
    bucket = args["bucket"]
    out = {"create": call(s3.create_bucket, Bucket=bucket)}
    out["create"].pop("ok", None)
    out["head_bucket"] = s3.head_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"]
    out["objects"] = {}
    for obj in args["objects"]:
        key, body = obj["key"], base64.b64decode(obj["body"])
        put = s3.put_object(
            Bucket=bucket, Key=key, Body=body, ContentType="text/plain; charset=utf-8",
            Metadata={"origin": "boto3"},
        )
        head = s3.head_object(Bucket=bucket, Key=key)
        got = s3.get_object(Bucket=bucket, Key=key)
        out["objects"][key] = {
            "put_etag": put["ETag"],
            "head_length": head["ContentLength"],
            "head_etag": head["ETag"],
            "head_type": head["ContentType"],
            "head_metadata": head["Metadata"],
            "body": b64(got["Body"].read()),
        }
    listed = s3.list_objects_v2(Bucket=bucket)
    out["list"] = [c["Key"] for c in listed.get("Contents", [])]
    out["list_sizes"] = [c["Size"] for c in listed.get("Contents", [])]
    out["list_key_count"] = listed["KeyCount"]
    prefix = args["prefix"]
    out["list_prefix"] = [
        c["Key"] for c in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    ]
    by_dir = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    out["list_delimited"] = {
        "keys": [c["Key"] for c in by_dir.get("Contents", [])],
        "prefixes": [p["Prefix"] for p in by_dir.get("CommonPrefixes", [])],
    }
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}
    )
    out["paginated"] = [[c["Key"] for c in page.get("Contents", [])] for page in pages]
    first = args["objects"][0]["key"]
    out["delete"] = s3.delete_object(Bucket=bucket, Key=first)["ResponseMetadata"]["HTTPStatusCode"]
    out["after_delete"] = [c["Key"] for c in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    out["get_deleted"] = call(s3.get_object, Bucket=bucket, Key=first).get("error")
    out["missing_bucket"] = call(s3.list_objects_v2, Bucket=bucket + "-missing").get("error")
    return out


def presigned(args):
    """generate_presigned_url for PUT and GET, fetched with urllib; then the
    same URLs with one character changed, and one that has expired."""
    s3 = client(addressing_style=args.get("addressing_style", "path"))
    bucket, key = args["bucket"], args["key"]
    body = base64.b64decode(args["body"])
    s3.create_bucket(Bucket=bucket)
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300
    )
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300
    )
    out = {"put_url": put_url, "get_url": get_url}
    out["put"] = fetch(put_url, "PUT", body)
    out["get"] = fetch(get_url)

    def flip(url, at):
        c = url[at]
        return url[:at] + ("1" if c != "1" else "2") + url[at + 1 :]

    signature_at = get_url.index("X-Amz-Signature=") + len("X-Amz-Signature=") + 10
    out["signature_changed"] = fetch(flip(get_url, signature_at))
    path_end = get_url.index("?")
    key_at = path_end - 1  # the key's last character
    out["key_changed"] = fetch(flip(get_url, key_at))
    out["put_signature_changed"] = fetch(flip(put_url, put_url.index("X-Amz-Signature=") + 20), "PUT", b"not stored")
    out["get_after_refused_put"] = fetch(get_url)

    expiring = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=1
    )
    time.sleep(2.5)
    out["expired"] = fetch(expiring)
    return out


def tampered(args):
    """Requests that boto3 signed and that a `before-send` hook changed
    afterwards (as a proxy or an attacker could), a wrong secret and an
    unknown access key. Each one is followed by a check that nothing was
    stored."""
    bucket = args["bucket"]
    good = client()
    good.create_bucket(Bucket=bucket)
    out = {}

    def put_with(name, hook):
        s3 = client()
        s3.meta.events.register("before-send.s3.PutObject", hook)
        key = f"tampered/{name}"
        r = call(s3.put_object, Bucket=bucket, Key=key, Body=b"0123456789", ContentType="text/plain")
        r["stored"] = exists(good, bucket, key)
        out[name] = r

    def add_header(name, value):
        def hook(request, **_):
            request.headers[name] = value

        return hook

    def replace_header(name, value):
        def hook(request, **_):
            del request.headers[name]
            request.headers[name] = value

        return hook

    def shift_date(days):
        def hook(request, **_):
            date = request.headers["X-Amz-Date"]  # YYYYMMDDTHHMMSSZ
            if isinstance(date, bytes):
                date = date.decode()
            if days == 0:
                # One second later, same day (the last digit of the seconds).
                shifted = date[:-2] + str((int(date[-2]) + 1) % 10) + "Z"
            else:
                shifted = "20000101" + date[8:]
            del request.headers["X-Amz-Date"]
            request.headers["X-Amz-Date"] = shifted

        return hook

    def replace_body(request, **_):
        request.body = b"9876543210"  # same length: only the hash differs

    put_with("unsigned_meta", add_header("x-amz-meta-added", "after signing"))
    put_with("unsigned_copy_source", add_header("x-amz-copy-source", f"/{bucket}/tampered/other"))
    put_with("content_type_changed", replace_header("Content-Type", "text/html"))
    put_with("date_changed_same_day", shift_date(0))
    put_with("date_changed_other_day", shift_date(-1))
    put_with("body_changed", replace_body)

    for name, s3 in [
        ("wrong_secret", client(secret_key=SECRET_KEY[:-1] + ("X" if SECRET_KEY[-1] != "X" else "Y"))),
        ("unknown_key", client(access_key="AKIAUNKNOWNEXAMPLE00")),
    ]:
        key = f"tampered/{name}"
        r = call(s3.put_object, Bucket=bucket, Key=key, Body=b"0123456789")
        r["stored"] = exists(good, bucket, key)
        out[name] = r
    # Not tampered: the same client with no hook succeeds.
    r = call(good.put_object, Bucket=bucket, Key="tampered/none", Body=b"0123456789")
    out["untampered"] = {"ok": "ok" in r, "stored": exists(good, bucket, "tampered/none")}
    return out


def session_token(args):
    """Temporary credentials: the token is signed (header or query); the
    wrong token or none is refused."""
    bucket, token = args["bucket"], args["token"]
    akid, secret = args["access_key"], args["secret_key"]
    s3 = client(akid, secret, token)
    out = {"create": "ok" in call(s3.create_bucket, Bucket=bucket)}
    out["put"] = "ok" in call(s3.put_object, Bucket=bucket, Key="temp.txt", Body=b"temporary")
    out["get"] = b64(s3.get_object(Bucket=bucket, Key="temp.txt")["Body"].read())
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "temp.txt"})
    out["presigned_has_token"] = "X-Amz-Security-Token=" in url
    out["presigned_get"] = fetch(url)
    out["wrong_token"] = call(
        client(akid, secret, token + "x").get_object, Bucket=bucket, Key="temp.txt"
    ).get("error")
    out["no_token"] = call(client(akid, secret).get_object, Bucket=bucket, Key="temp.txt").get("error")
    return out


def checksums(args):
    """What botocore sends for a PutObject, and what the server makes of it.

    botocore >= 1.36 adds a CRC32 checksum to uploads by default
    (request_checksum_calculation = when_supported). Over plain HTTP it puts
    it in a header and signs the body's SHA-256; over HTTPS it switches to
    an aws-chunked body with a trailing checksum and
    x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER. The server is
    plain HTTP, so the HTTPS choice is made here by a `before-call` hook
    (the same decision botocore makes for an https:// endpoint)."""
    bucket = args["bucket"]
    out = {}

    def observe(s3, name):
        seen = {}

        def record(request, **_):
            for k, v in request.headers.items():
                seen[k.lower()] = v.decode() if isinstance(v, bytes) else v

        s3.meta.events.register("before-send.s3.PutObject", record)
        key = f"checksums/{name}"
        r = call(s3.put_object, Bucket=bucket, Key=key, Body=b"checksummed body")
        r.pop("ok", None)
        r["stored"] = exists(client(), bucket, key)
        if r["stored"]:
            got = client().get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
            r["body"] = b64(got["Body"].read())
            r["checksum_crc32"] = got.get("ChecksumCRC32")
        r["sent"] = {
            k: seen.get(k)
            for k in [
                "x-amz-content-sha256",
                "content-encoding",
                "transfer-encoding",
                "x-amz-trailer",
                "x-amz-checksum-crc32",
                "x-amz-sdk-checksum-algorithm",
                "x-amz-decoded-content-length",
            ]
        }
        out[name] = r

    def as_over_https(params, context=None, **_):
        algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
        if isinstance(algorithm, dict):
            algorithm["in"] = "trailer"

    client().create_bucket(Bucket=bucket)
    observe(client(), "default_http")

    s3 = client()
    s3.meta.events.register("before-call.s3.PutObject", as_over_https)
    observe(s3, "default_https_choice")

    s3 = client(request_checksum_calculation="when_required")
    s3.meta.events.register("before-call.s3.PutObject", as_over_https)
    observe(s3, "when_required_https_choice")
    return out


def multipart(fields, file_name, data):
    """A multipart/form-data body, written by hand as a plain HTTP client
    would send it: the fields in order, the file last."""
    boundary = "----awsigboundary7MA4YWxkTrZu0gW"
    out = b""
    for name, value in fields:
        out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n".encode()
        out += value.encode() + b"\r\n"
    quoted = file_name.replace('"', "%22")
    out += f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{quoted}\"\r\n".encode()
    out += b"Content-Type: application/octet-stream\r\n\r\n" + data + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def presigned_post(args):
    """generate_presigned_post forms (Fields + Conditions as boto3 writes
    them), posted with urllib: accepted ones land, refused ones do not."""
    s3 = client()
    bucket = args["bucket"]
    s3.create_bucket(Bucket=bucket)
    url_base = f"{ENDPOINT}/{bucket}"
    out = {}

    def post(form, file_name, data, edit=None):
        fields = list(form["fields"].items())
        if edit:
            fields = edit(fields)
        body, content_type = multipart(fields, file_name, data)
        return fetch(form["url"], "POST", body, {"Content-Type": content_type})

    typed = s3.generate_presigned_post(
        bucket, "typed/photo.png",
        Fields={"Content-Type": "image/png"},
        Conditions=[["starts-with", "$Content-Type", "image/"], ["content-length-range", 1, 100]],
        ExpiresIn=300,
    )
    out["url"] = typed["url"]
    out["typed"] = post(typed, "photo.png", b"png bytes")
    out["typed_exists"] = exists(s3, bucket, "typed/photo.png")
    out["typed_content_type"] = s3.head_object(Bucket=bucket, Key="typed/photo.png")["ContentType"]
    out["too_large"] = post(typed, "big.png", b"x" * 101)
    out["wrong_type"] = post(typed, "a.png", b"png", lambda f: [(n, "text/html" if n == "Content-Type" else v) for n, v in f])
    out["extra_field"] = post(typed, "a.png", b"png", lambda f: f + [("x-amz-meta-extra", "1")])

    def edit_policy(fields):
        out = []
        for n, v in fields:
            if n == "policy":
                doc = base64.b64decode(v).replace(b"image/", b"text/")
                v = base64.b64encode(doc).decode()
            out.append((n, v))
        return out

    out["policy_edited"] = post(typed, "a.png", b"png", edit_policy)

    named = s3.generate_presigned_post(
        bucket, "uploads/${filename}",
        Fields={"success_action_status": "201"},
        Conditions=[{"success_action_status": "201"}],
        ExpiresIn=300,
    )
    name = args["file_name"]
    out["named"] = post(named, name, b"named bytes")
    out["named_exists"] = exists(s3, bucket, "uploads/" + name.replace('"', "%22"))
    out["named_exists_unquoted"] = exists(s3, bucket, "uploads/" + name)
    out["too_large_exists"] = exists(s3, bucket, "big.png")
    return out


CASES = {
    "objects": objects,
    "presigned": presigned,
    "tampered": tampered,
    "session_token": session_token,
    "checksums": checksums,
    "presigned_post": presigned_post,
}

if __name__ == "__main__":
    resolve_localhost_names()
    case, args = sys.argv[1], json.loads(sys.argv[2])
    result = CASES[case](args)
    result["versions"] = {"boto3": boto3.__version__, "botocore": botocore.__version__}
    json.dump(result, sys.stdout, default=str)
