#!/usr/bin/env bash
# The Debian packages the PDFs need: TeX Live with xelatex, latexmk and the
# fonts that conf.py names. The site (make html) and the tests need none.
set -euo pipefail

packages=(
  texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-plain-generic
  texlive-fonts-recommended fonts-texgyre lmodern latexmk fonts-dejavu-core
)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: install TeX Live with xelatex and latexmk, and the fonts TeX Gyre and DejaVu," >&2
  echo "with your package manager, then run make again (Debian names: ${missing[*]})" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "error: run: sudo apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
