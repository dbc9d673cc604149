"""
The container's health probe: ``python deploy/healthcheck.py /healthz`` (liveness, the image's
HEALTHCHECK) or ``/readyz`` (readiness, compose.yaml's web and ws). Exit 0 on a 2xx answer from the
server in this container (port 8000), 1 otherwise.

The request looks like one nginx forwards: the Host is the first of ALLOWED_HOSTS (so Django does not
refuse it) and X-Forwarded-Proto says https (so SECURE_SSL_REDIRECT does not answer with a redirect).
Standard library only: it runs in the image, without Django.
"""

import http.client
import os
import sys

PORT = 8000
TIMEOUT_SECONDS = 4


def host_header(allowed_hosts: str) -> str:
    """The first host Django accepts: '.example.com' stands for example.com and '*' for anything."""
    for host in (h.strip() for h in allowed_hosts.split(",")):
        if host and host != "*":
            return host.lstrip(".")
    return "localhost"


def probe(path: str) -> int:
    host = host_header(os.environ.get("ALLOWED_HOSTS", "localhost"))
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        status = connection.getresponse().status
    except OSError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if 200 <= status < 300:
        return 0
    print(f"{path}: HTTP {status}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(probe(sys.argv[1] if len(sys.argv) > 1 else "/healthz"))
