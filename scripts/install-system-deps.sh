#!/usr/bin/env bash
# Installs the Debian packages the PDF build and the tests need: TeX Live with
# xelatex, latexmk, the fonts the LaTeX preamble names and the Noto fonts that
# cover every other script a reader may write (Greek, Cyrillic, Chinese,
# Japanese, Korean), poppler (pdftotext, pdftoppm) and qpdf to check the PDFs,
# Chromium for the browser tests, biber (it checks the BibTeX download), and
# Node.js and Java for the checkers. The HTML build needs none of them.
set -euo pipefail

packages=(
  texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-plain-generic
  texlive-fonts-recommended fonts-texgyre lmodern latexmk
  fonts-dejavu-core fonts-freefont-otf fonts-noto-core fonts-noto-cjk
  poppler-utils qpdf chromium chromium-driver biber
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js (npm) for the browser libraries and checkers, Java for the Nu HTML
# Checker: any installation will do, so look for the commands.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: cannot install system packages here (no apt-get)." >&2
  echo "Install these with your package manager, then run make again: ${missing[*]}" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "error: installing ${missing[*]} needs root; run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "error: apt-get could not install: ${missing[*]}" >&2
  exit 1
fi
