#!/usr/bin/env bash
# Vendor front-end assets from the npm registry into static/vendor/.
#
# Reproducible: every package is pinned to an exact version AND to the
# registry's sha512 integrity of its tarball; the script refuses to copy
# anything from a tarball whose checksum differs.  It only needs `npm`
# (for `npm pack`), `tar`, `node` and `openssl`; no node_modules are
# created and nothing is loaded from a CDN.
#
# Usage:   bin/vendor-assets.sh            (run from anywhere)
# Upgrade: change the version + integrity pair below
#          (`npm view <pkg>@<version> dist.integrity`), re-run, review the diff.
set -euo pipefail

# ---------------------------------------------------------------- pins ----
HTMX_VERSION="2.0.11"              # latest 2.x (4.x is a different API; do not use)
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="

UTRECHT_VERSION="9.0.4"            # @utrecht/component-library-css
UTRECHT_INTEGRITY="sha512-gVA7D6GfP9/+fzehkYLSBR+0UPUTA97PZmgvTYQE88lPQhHGMlUk8FjmCpLKRsRC9hAYd32JuF/KzG6fmBfjJA=="

VOORBEELD_VERSION="7.4.1"          # @nl-design-system-unstable/voorbeeld-design-tokens
VOORBEELD_INTEGRITY="sha512-GNnapAn2mTIzXRcCvs0JMr4Bf9+ivUJ3zFBJLRT1SYpAYm2xPwptVxIM3k4WLJ0c59E9FfxsEBPJluGuAHUVvg=="

CHARTJS_VERSION="4.6.1"            # latest 4.x
CHARTJS_INTEGRITY="sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g=="

AXE_VERSION="4.14.1"               # latest 4.x
AXE_INTEGRITY="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

# Fonts referenced by the voorbeeld theme (--basis-*-font-family tokens).
NOTO_SANS_VERSION="5.3.0"          # @fontsource/noto-sans
NOTO_SANS_INTEGRITY="sha512-fBCog2PY7DiVVTEEqtI/Qdinx/knobHYfoGpjFXdfBX5RoJaBp1Prw2G75p0OIsdlMZg3cLo0c+YbIUYOxnQJw=="
NOTO_SERIF_VERSION="5.3.0"         # @fontsource/noto-serif
NOTO_SERIF_INTEGRITY="sha512-ZrMzjuQlBIcw+qma1slZQdU3YDJvrjLG+9CWU1bxSf3YTkucwqd3EYa/Kfo4Ts19w8IMTGAmtOE3d6wWlgnBtA=="
NOTO_MONO_VERSION="5.3.0"          # @fontsource/noto-sans-mono
NOTO_MONO_INTEGRITY="sha512-DPZ+/Ng9HP5UKiALCKtoeGfA7zJzEjHFB/18OU/c3+4I9zZ3eMVAuFZb0SqzT89Yj7KNhJFYnYjyDaVKhdRuUg=="

# Fallback only, fetched lazily: supplies the full SPDX licence text for a
# package that declares a licence in package.json but ships no licence file.
# (All packages pinned above currently ship one.)  Nothing from it is vendored.
SPDX_VERSION="6.12.0"              # spdx-license-list (CC0-1.0)
SPDX_INTEGRITY="sha512-+nUYqm3aZMSHbjsthK+i/HHI2okTElCvqwUd4k8QcSk+FTGgjq+fsdFj2wZOaX6XmR2JdWhf/NeflNnvKOjcnQ=="

# ---------------------------------------------------------------- setup ---
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
# Directories this script owns (and therefore may wipe and rebuild).
OWNED_DIRS=(htmx utrecht voorbeeld-theme chartjs axe-core fonts)

for tool in npm tar node openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: '$tool' is required" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export NPM_CONFIG_LOGLEVEL=error NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false NPM_CONFIG_UPDATE_NOTIFIER=false

# fetch <pkg> <version> <integrity>  -> prints the extracted package/ dir
fetch() {
  local pkg="$1" version="$2" integrity="$3"
  local slug="${pkg//@/}"; slug="${slug//\//-}"
  local dir="$WORK/$slug-$version"
  mkdir -p "$dir"
  local tgz
  tgz="$(cd "$dir" && npm pack --silent "$pkg@$version" | tail -n 1)"
  local actual="sha512-$(openssl dgst -sha512 -binary "$dir/$tgz" | openssl base64 -A)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "error: integrity mismatch for $pkg@$version" >&2
    echo "  expected $integrity" >&2
    echo "  got      $actual" >&2
    exit 1
  fi
  tar -xzf "$dir/$tgz" -C "$dir"
  echo "$dir/package"
}

# pkgjson_field <package dir> <field>
pkgjson_field() {
  node -e 'const p=require(process.argv[1]+"/package.json"); process.stdout.write(String(p[process.argv[2]] ?? ""))' "$1" "$2"
}

# copy_licence <package dir> <dest dir>
# Copies LICENSE / LICENSE.md / LICENCE* from the package; when it ships none,
# writes LICENSE from the SPDX id in package.json plus the full SPDX text.
copy_licence() {
  local pkgdir="$1" dest="$2" f
  for f in LICENSE LICENSE.md LICENSE.txt LICENCE LICENCE.md license license.md; do
    if [[ -f "$pkgdir/$f" ]]; then
      cp "$pkgdir/$f" "$dest/$f"
      return 0
    fi
  done
  local id name version
  id="$(pkgjson_field "$pkgdir" license)"
  name="$(pkgjson_field "$pkgdir" name)"
  version="$(pkgjson_field "$pkgdir" version)"
  [[ -n "$id" ]] || { echo "error: $name has no licence file and no licence field" >&2; exit 1; }
  if [[ -z "${SPDX_DIR:-}" ]]; then
    SPDX_DIR="$(fetch spdx-license-list "$SPDX_VERSION" "$SPDX_INTEGRITY")"
  fi
  local text="$SPDX_DIR/licenses/$id.json"
  [[ -f "$text" ]] || { echo "error: no SPDX text for '$id' ($name)" >&2; exit 1; }
  {
    echo "$name@$version ships no licence file; its package.json declares:"
    echo
    echo "    \"license\": \"$id\""
    echo
    echo "The full text of $id follows (from the SPDX licence list, spdx-license-list@$SPDX_VERSION)."
    echo
    echo "------------------------------------------------------------------------"
    echo
    node -e 'process.stdout.write(require(process.argv[1]).licenseText.replace(/\s*$/, "\n"))' "$text"
  } > "$dest/LICENSE"
}

reset_dir() {
  rm -rf "${VENDOR:?}/$1"
  mkdir -p "$VENDOR/$1"
}

echo "Vendoring into $VENDOR"
mkdir -p "$VENDOR"
for d in "${OWNED_DIRS[@]}"; do reset_dir "$d"; done

SPDX_DIR=""

# ---------------------------------------------------------------- htmx ----
p="$(fetch htmx.org "$HTMX_VERSION" "$HTMX_INTEGRITY")"
cp "$p/dist/htmx.min.js" "$p/dist/htmx.js" "$VENDOR/htmx/"
copy_licence "$p" "$VENDOR/htmx"

# ---------------------------------------------------------------- utrecht -
# dist/index.css is the full component bundle (all .utrecht-* BEM classes).
p="$(fetch @utrecht/component-library-css "$UTRECHT_VERSION" "$UTRECHT_INTEGRITY")"
cp "$p/dist/index.css" "$VENDOR/utrecht/index.css"
copy_licence "$p" "$VENDOR/utrecht"

# ---------------------------------------------------------------- theme ---
# dist/theme.css scopes every token to the `.voorbeeld-theme` class
# (dist/variables.css is the same set on :root; not needed).
p="$(fetch @nl-design-system-unstable/voorbeeld-design-tokens "$VOORBEELD_VERSION" "$VOORBEELD_INTEGRITY")"
cp "$p/dist/theme.css" "$VENDOR/voorbeeld-theme/theme.css"
grep -q '^\.voorbeeld-theme {' "$VENDOR/voorbeeld-theme/theme.css" \
  || { echo "error: theme.css no longer defines .voorbeeld-theme" >&2; exit 1; }
copy_licence "$p" "$VENDOR/voorbeeld-theme"    # LICENSE.md (EUPL-1.2)

# ---------------------------------------------------------------- chart.js
p="$(fetch chart.js "$CHARTJS_VERSION" "$CHARTJS_INTEGRITY")"
cp "$p/dist/chart.umd.min.js" "$VENDOR/chartjs/chart.umd.min.js"
# No source maps are vendored: drop the reference, or ManifestStaticFilesStorage fails on it.
sed -i "/^\/\/# sourceMappingURL=/d" "$VENDOR/chartjs/chart.umd.min.js"
copy_licence "$p" "$VENDOR/chartjs"

# ---------------------------------------------------------------- axe-core
p="$(fetch axe-core "$AXE_VERSION" "$AXE_INTEGRITY")"
cp "$p/axe.min.js" "$VENDOR/axe-core/axe.min.js"
copy_licence "$p" "$VENDOR/axe-core"
cp "$p/LICENSE-3RD-PARTY.txt" "$VENDOR/axe-core/LICENSE-3RD-PARTY.txt"

# ---------------------------------------------------------------- fonts ---
# The theme sets --basis-text-font-family-default: 'Noto Sans',
# --basis-heading-font-family: 'Noto Serif' and
# --basis-text-font-family-monospace: 'Noto Sans Mono', with weights 400
# (default) and 700 (bold, also headings).  Only the latin subset (covers
# Dutch and the other Western European languages) in woff2 is vendored.
# fonts/fonts.css declares the @font-face rules; link it before theme.css.
vendor_font() { # <npm pkg> <version> <integrity> <dir> <family> <style-weight>...
  local pkg="$1" version="$2" integrity="$3" dir="$4" family="$5"; shift 5
  local p sw style weight file
  p="$(fetch "$pkg" "$version" "$integrity")"
  mkdir -p "$VENDOR/fonts/$dir"
  copy_licence "$p" "$VENDOR/fonts/$dir"
  for sw in "$@"; do
    style="${sw%%-*}"; weight="${sw##*-}"
    file="$dir-latin-$weight-$style.woff2"
    cp "$p/files/$file" "$VENDOR/fonts/$dir/$file"
    cat >> "$VENDOR/fonts/fonts.css" <<EOF
@font-face {
  font-family: '$family';
  font-style: $style;
  font-display: swap;
  font-weight: $weight;
  src: url(./$dir/$file) format('woff2');
}
EOF
  done
}
cat > "$VENDOR/fonts/fonts.css" <<EOF
/* Generated by bin/vendor-assets.sh -- do not edit.
 * Noto Sans / Noto Serif / Noto Sans Mono, latin subset, from @fontsource.
 * SIL Open Font License 1.1: see the LICENSE file in each folder. */
EOF
vendor_font @fontsource/noto-sans "$NOTO_SANS_VERSION" "$NOTO_SANS_INTEGRITY" noto-sans 'Noto Sans' \
  normal-400 italic-400 normal-700 italic-700
vendor_font @fontsource/noto-serif "$NOTO_SERIF_VERSION" "$NOTO_SERIF_INTEGRITY" noto-serif 'Noto Serif' \
  normal-400 normal-700
vendor_font @fontsource/noto-sans-mono "$NOTO_MONO_VERSION" "$NOTO_MONO_INTEGRITY" noto-sans-mono 'Noto Sans Mono' \
  normal-400 normal-700

# ---------------------------------------------------------------- README --
file_list() { # <dir>  -> markdown list of files with sizes
  (cd "$VENDOR" && find "$1" -type f | LC_ALL=C sort | while read -r f; do
    printf -- '- `%s` (%s bytes)\n' "$f" "$(wc -c < "$f" | tr -d ' ')"
  done)
}

cat > "$VENDOR/README.md" <<EOF
# Vendored front-end assets

Generated by \`bin/vendor-assets.sh\` -- do not edit files in this folder by
hand; change the pinned version and integrity in the script and re-run it.
Every file comes from \`npm pack <package>@<exact version>\` (tarball checked
against the registry's sha512 integrity). No CDN is used at run time or build
time. No source maps and no node_modules are vendored.

| Package | Version | Licence | Folder |
| --- | --- | --- | --- |
| htmx.org | $HTMX_VERSION | 0BSD | \`htmx/\` |
| @utrecht/component-library-css | $UTRECHT_VERSION | EUPL-1.2 | \`utrecht/\` |
| @nl-design-system-unstable/voorbeeld-design-tokens | $VOORBEELD_VERSION | EUPL-1.2 | \`voorbeeld-theme/\` |
| chart.js | $CHARTJS_VERSION | MIT | \`chartjs/\` |
| axe-core | $AXE_VERSION | MPL-2.0 | \`axe-core/\` |
| @fontsource/noto-sans | $NOTO_SANS_VERSION | OFL-1.1 | \`fonts/noto-sans/\` |
| @fontsource/noto-serif | $NOTO_SERIF_VERSION | OFL-1.1 | \`fonts/noto-serif/\` |
| @fontsource/noto-sans-mono | $NOTO_MONO_VERSION | OFL-1.1 | \`fonts/noto-sans-mono/\` |

Not vendored on purpose: \`@utrecht/design-tokens\` (its licence only allows use
by the Gemeente Utrecht); we use the NL Design System *voorbeeld* theme instead.
\`htmx.org\` 4.x / 1.x are deliberately not used: this project targets htmx 2.x.

## Notes per package

- **htmx** -- \`htmx.min.js\` for production, \`htmx.js\` (unminified) for debugging.
- **utrecht** -- \`index.css\` is the complete Utrecht component bundle
  (\`dist/index.css\`): BEM classes such as \`utrecht-button\`,
  \`utrecht-table__cell\`. It contains no colours/fonts of its own; those come
  from design tokens (CSS custom properties) supplied by the theme.
- **voorbeeld-theme** -- \`theme.css\` (\`dist/theme.css\`) defines all design
  tokens on the class **\`voorbeeld-theme\`**. Put that class on \`<html>\` or
  \`<body>\` (e.g. \`<html class="utrecht-root voorbeeld-theme">\`).
- **chartjs** -- UMD build \`chart.umd.min.js\` (global \`Chart\`).
- **axe-core** -- \`axe.min.js\` (global \`axe\`), for accessibility checks in
  tests/dev only. \`LICENSE-3RD-PARTY.txt\` covers code bundled inside it.
- **fonts** -- the theme's tokens name web fonts: \`'Noto Sans'\` (text),
  \`'Noto Serif'\` (headings) and \`'Noto Sans Mono'\` (code), weights 400 and
  700. They are free (SIL OFL 1.1) and on npm as @fontsource packages, so the
  latin-subset woff2 files are vendored and \`fonts/fonts.css\` declares the
  \`@font-face\` rules. Without it, the theme's generic fallbacks
  (sans-serif / serif / monospace) apply.

## Known quirk (theme $VOORBEELD_VERSION vs Utrecht CSS $UTRECHT_VERSION)

\`.utrecht-page-body__content\` reads
\`--utrecht-page-body-content-padding-inline-start\` / \`-inline-end\`, but the
theme only sets \`--utrecht-page-body-content-padding-inline\`, so the main
content has no side padding. Fix it in the project's own CSS (not here), e.g.:

\`\`\`css
.voorbeeld-theme {
  --utrecht-page-body-content-padding-inline-start: var(--utrecht-page-body-content-padding-inline);
  --utrecht-page-body-content-padding-inline-end: var(--utrecht-page-body-content-padding-inline);
}
\`\`\`

Header and footer (\`__content\`) use \`padding-inline\` and are fine.

## Suggested load order

\`\`\`html
<link rel="stylesheet" href="{% static 'vendor/fonts/fonts.css' %}">
<link rel="stylesheet" href="{% static 'vendor/utrecht/index.css' %}">
<link rel="stylesheet" href="{% static 'vendor/voorbeeld-theme/theme.css' %}">
<script src="{% static 'vendor/htmx/htmx.min.js' %}" defer></script>
<script src="{% static 'vendor/chartjs/chart.umd.min.js' %}" defer></script>
\`\`\`

## Files

### htmx.org $HTMX_VERSION (0BSD)
$(file_list htmx)

### @utrecht/component-library-css $UTRECHT_VERSION (EUPL-1.2)
$(file_list utrecht)

### @nl-design-system-unstable/voorbeeld-design-tokens $VOORBEELD_VERSION (EUPL-1.2)
$(file_list voorbeeld-theme)

### chart.js $CHARTJS_VERSION (MIT)
$(file_list chartjs)

### axe-core $AXE_VERSION (MPL-2.0)
$(file_list axe-core)

### Noto fonts via @fontsource $NOTO_SANS_VERSION (OFL-1.1)
$(file_list fonts)
EOF

# Sanity: licences declared in package.json must match the README table.
check_licence() { # <pkg dir> <expected>
  local got; got="$(pkgjson_field "$1" license)"
  [[ "$got" == "$2" ]] || { echo "error: $(pkgjson_field "$1" name) licence is '$got', README says '$2'" >&2; exit 1; }
}
check_licence "$WORK/htmx.org-$HTMX_VERSION/package" 0BSD
check_licence "$WORK/utrecht-component-library-css-$UTRECHT_VERSION/package" EUPL-1.2
check_licence "$WORK/nl-design-system-unstable-voorbeeld-design-tokens-$VOORBEELD_VERSION/package" EUPL-1.2
check_licence "$WORK/chart.js-$CHARTJS_VERSION/package" MIT
check_licence "$WORK/axe-core-$AXE_VERSION/package" MPL-2.0
check_licence "$WORK/fontsource-noto-sans-$NOTO_SANS_VERSION/package" OFL-1.1

echo "Done. Total size: $(du -sh "$VENDOR" | cut -f1)"
