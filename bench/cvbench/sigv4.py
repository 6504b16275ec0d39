"""The physical limit of one EC2 call: a bare SigV4-signed DescribeRouteTables on a new loopback TCP
connection, timed from connect to the last byte of the answer. The signer is the minimum SigV4 for an EC2
Query POST (host, x-amz-date and content-type signed; the payload hash in the canonical request)."""

import datetime
import hashlib
import hmac
import http.client
import statistics
import time
import urllib.parse


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signed_headers(host, body, access_key, secret_key, region, now=None):
    now = now or datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    content_type = "application/x-www-form-urlencoded; charset=utf-8"
    payload_hash = hashlib.sha256(body.encode()).hexdigest()
    canonical_headers = f"content-type:{content_type}\nhost:{host}\nx-amz-date:{amz_date}\n"
    signed = "content-type;host;x-amz-date"
    canonical_request = f"POST\n/\n\n{canonical_headers}\n{signed}\n{payload_hash}"
    scope = f"{day}/{region}/ec2/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret_key).encode(), day), region), "ec2"), "aws4_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "Host": host,
        "X-Amz-Date": amz_date,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}",
    }


def bare_round_trip_ms(url, route_table, access_key, secret_key, region, samples=20, warmup=3):
    """Median, min and max ms of `samples` DescribeRouteTables calls, each on a new connection and signed
    just before it is sent (signing is outside the timed span). Raises when a call does not answer 200."""
    host = url.removeprefix("http://")
    body = urllib.parse.urlencode(
        {"Action": "DescribeRouteTables", "Version": "2016-11-15", "RouteTableId.1": route_table}
    )
    times = []
    for i in range(warmup + samples):
        headers = signed_headers(host, body, access_key, secret_key, region)
        start = time.monotonic_ns()
        conn = http.client.HTTPConnection(host, timeout=30)
        try:
            conn.request("POST", "/", body=body, headers=headers)
            resp = conn.getresponse()
            answer = resp.read()
        finally:
            conn.close()
        elapsed = (time.monotonic_ns() - start) / 1e6
        if resp.status != 200:
            raise RuntimeError(f"bare DescribeRouteTables: HTTP {resp.status}: {answer[:300]!r}")
        if i >= warmup:
            times.append(elapsed)
    return statistics.median(times), min(times), max(times)
