#!/usr/bin/env bash
# Compiles custodian.scss with the pinned U.S. Web Design System and copies the fonts, icons and licence it
# needs into custodian/web/static/custodian/. Run by `make assets`; the output is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../custodian/web/static/custodian"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
uswds="$here/node_modules/@uswds/uswds"
npx sass --no-source-map --style=compressed --quiet-deps --silence-deprecation=import \
  --load-path="$uswds/packages" custodian.scss "$out/custodian.css"
rm -rf "$out/fonts" "$out/img"
mkdir -p "$out/fonts/public-sans" "$out/img"
# Only the weights and formats the stylesheet asks for that a browser loads (woff2); the others it names are
# listed after woff2 in each @font-face and are never fetched by a browser that reads woff2.
for face in Regular Italic Bold BoldItalic; do
  cp "$uswds/dist/fonts/public-sans/PublicSans-$face.woff2" "$out/fonts/public-sans/"
done
# The images the compiled components refer to.
grep -o 'url("\?img/[^")]*' "$out/custodian.css" | sed 's/url("\{0,1\}img\///' | sort -u | while read -r image; do
  mkdir -p "$out/img/$(dirname "$image")"
  cp "$uswds/dist/img/$image" "$out/img/$image"
done
cp "$uswds/LICENSE.md" "$out/USWDS-LICENSE.md"
echo "built $(du -h "$out/custodian.css" | cut -f1) custodian.css with USWDS $(node -p "require('$uswds/package.json').version")"
