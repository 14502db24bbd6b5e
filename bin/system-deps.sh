#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium for Playwright (never
# `playwright install`: no browser downloads on a closed network), gettext for the
# locale, dovecot for a real IMAP server on loopback, and node for a real OpenID provider.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
# node and npm run the OpenID provider of the single sign-on tests (tools/oidc-provider).
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "ERROR: missing system packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "Installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
