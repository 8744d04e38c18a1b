#!/bin/sh
# Fetches and unpacks a Debian source package with an apt configuration of
# our own: deb-src lines for the mirrors this machine already uses, lists and
# cache under DEST. The system's apt sources are never edited.
#   tools/debian-source.sh PACKAGE DEST   -> DEST/PACKAGE/ (the unpacked tree)
set -eu
package=$1
dest=$2
apt_dir="$dest/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"

# deb-src for every "deb" entry of the system's sources, one-line and deb822 forms.
{
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { $1 = "deb-src"; if ($2 ~ /^\[/) { $2 = "" } print }'
	for file in /etc/apt/sources.list.d/*.sources; do
		[ -f "$file" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = uris = suites = comps = ""
			for (i = 1; i <= NF; i++) {
				split($i, kv, ":[ \t]*")
				key = kv[1]; value = substr($i, length(key) + 2); sub(/^[ \t]+/, "", value)
				if (key == "Types") types = value
				else if (key == "URIs") uris = value
				else if (key == "Suites") suites = value
				else if (key == "Components") comps = value
			}
			if (types !~ /(^| )deb( |$)/) next
			n = split(uris, u, " "); m = split(suites, s, " ")
			for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print "deb-src " u[i] " " s[j] " " comps
		}' "$file"
	done
} | grep -v '^#' | sort -u >"$apt_dir/sources.list"
if [ ! -s "$apt_dir/sources.list" ]; then
	echo "debian-source: no Debian mirror found in /etc/apt/sources.list*" >&2
	exit 1
fi

set -- -o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
	-o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache" \
	-o APT::Sandbox::User=root -o Debug::NoLocking=true
apt-get "$@" -qq update
rm -rf "$dest/$package"
mkdir -p "$dest/download"
(cd "$dest/download" && apt-get "$@" -qq source --download-only "$package" >/dev/null)
dsc=$(ls -t "$dest/download/${package}"_*.dsc | head -n 1)
dpkg-source --no-check -x "$dsc" "$dest/$package" >/dev/null
echo "debian-source: $(basename "$dsc") unpacked in $dest/$package"
