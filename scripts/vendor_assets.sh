#!/usr/bin/env sh
# Refresh quartier/static/vendor/ from the versions pinned in package.json. Needs Node.js and npm;
# `make run` does not: the copied files are committed.
set -eu
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --ignore-scripts
V=quartier/static/vendor
rm -rf "$V/kern-ux" "$V/noto-sans-arabic"
mkdir -p "$V/kern-ux/fonts/fira-sans" "$V/noto-sans-arabic"
K=node_modules/@kern-ux/native
cp "$K/dist/kern.min.css" "$K/LICENSE.md" "$V/kern-ux/"
for w in Regular Italic Medium SemiBold Bold; do cp "$K/dist/fonts/fira-sans/FiraSans-$w.woff2" "$V/kern-ux/fonts/fira-sans/"; done
echo "@kern-ux/native $(node -p "require('./$K/package.json').version")" > "$V/kern-ux/VERSION"
A=node_modules/@fontsource/noto-sans-arabic
cp "$A/LICENSE" "$V/noto-sans-arabic/" 2>/dev/null || true
for w in 400 700; do cp "$A/files/noto-sans-arabic-arabic-$w-normal.woff2" "$V/noto-sans-arabic/"; done
echo "@fontsource/noto-sans-arabic $(node -p "require('./$A/package.json').version")" > "$V/noto-sans-arabic/VERSION"
# The printed programme's Arabic face: one glyph per letter form, so the PDF's text layer maps back to the
# right letters (Noto Sans Arabic builds dotted letters from shared skeletons plus dots).
M=node_modules/@fontsource/almarai
rm -rf "$V/almarai" && mkdir -p "$V/almarai"
cp "$M/LICENSE" "$V/almarai/"
for w in 400 700; do cp "$M/files/almarai-arabic-$w-normal.woff2" "$V/almarai/"; done
echo "@fontsource/almarai $(node -p "require('./$M/package.json').version")" > "$V/almarai/VERSION"
echo "vendored into $V"
