#!/bin/sh
# `nginx -t` on the shipped configuration, outside compose (CI: .ci/run; make test through
# core/tests/test_deployment.py). The official nginx image includes conf.d/*.conf inside its http
# block; this wraps the same files in a minimal nginx.conf shaped like the image's. The one change:
# the upstream servers (web:8000, ws:8000, names only Docker's DNS knows) become 127.0.0.1, because
# nginx resolves them while it loads the configuration. mentorship.conf is included as it ships.
# Needs Debian's nginx (`make /usr/sbin/nginx`); starts no server.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
nginx=${NGINX:-nginx}
command -v "$nginx" >/dev/null || { echo "$nginx not found (make /usr/sbin/nginx installs it)" >&2; exit 127; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/conf.d"

sed -E 's/^([[:space:]]*server[[:space:]]+)[A-Za-z0-9_.-]+:/\1127.0.0.1:/' \
  "$here/conf.d/upstreams.conf" >"$work/conf.d/upstreams.conf"
servers=$(grep -E '^[[:space:]]*server[[:space:]]' "$work/conf.d/upstreams.conf" || true)
if [ -z "$servers" ] || printf '%s\n' "$servers" | grep -vq '127\.0\.0\.1:'; then
  echo "upstreams.conf: expected 'server <host>:<port>;' lines only, each pointed at 127.0.0.1" >&2
  exit 1
fi
for file in "$here"/conf.d/*.conf; do
  [ "$(basename "$file")" = upstreams.conf ] || ln -s "$file" "$work/conf.d/"
done

cat >"$work/nginx.conf" <<CONF
# The image runs its workers as user nginx; a user that exists here (and in a user namespace).
user root;
worker_processes auto;
pid $work/nginx.pid;
error_log stderr notice;
events { worker_connections 1024; }
http {
    # As the nginx image's http block.
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $work/access.log;
    sendfile on;
    keepalive_timeout 65;
    # Temporary files under the work folder: nginx -t creates them, also without root.
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    include $work/conf.d/*.conf;
}
CONF

# nginx -t binds the listening port: in a network namespace of its own (where the kernel allows one)
# port 80 is free even if something on this machine holds it, and no root is needed.
isolate=""
if command -v unshare >/dev/null && unshare --map-root-user --net true 2>/dev/null; then
  isolate="unshare --map-root-user --net"
fi
$isolate "$nginx" -t -q -e stderr -p "$work/" -c "$work/nginx.conf"
echo "nginx -t: deploy/nginx/conf.d is valid"
