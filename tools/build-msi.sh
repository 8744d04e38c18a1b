#!/bin/sh
# make msi: packs cashdrawerd.exe and a commented cashdrawerd.ini into an MSI
# with msitools' wixl (packaging/windows/cashdrawerd.wxs), then adds with
# msibuild what wixl cannot write: the logs folder emptied on uninstall, and
# an upgrade that keeps the admin's cashdrawerd.ini (the old version is
# removed after the new one is installed, so files already there stay).
# Usage: tools/build-msi.sh EXE x64|x86 OUT_DIR
set -eu

exe=$1
arch=$2
out=$3
src=$(cd "$(dirname "$0")/.." && pwd)
# CASHDRAWERD_MSI_VERSION: another version (the upgrade test builds a newer one)
version=${CASHDRAWERD_MSI_VERSION:-$(sed -n 's/^project(cashdrawerd VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")}

case "$arch" in
x64) win64=yes program_files=ProgramFiles64Folder ;;
x86) win64=no program_files=ProgramFilesFolder ;;
*) echo "build-msi: architecture $arch: use x64 or x86" >&2; exit 2 ;;
esac
[ -f "$exe" ] || { echo "build-msi: $exe: no such file (make windows builds it)" >&2; exit 1; }

# wixl finds sources by relative paths only: everything side by side
stage=$(mktemp -d "${TMPDIR:-/tmp}/cashdrawerd-msi.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cp "$exe" "$stage/cashdrawerd.exe"
cp "$src/packaging/windows/cashdrawerd.ini" "$src/packaging/windows/cashdrawerd.wxs" "$stage/"
# Windows Notepad wants CRLF line ends
sed -i 's/$/\r/' "$stage/cashdrawerd.ini"

msi="cashdrawerd-$version-$arch.msi"
(cd "$stage" && wixl -a "$arch" -D Version="$version" -D Win64=$win64 \
	-D ProgramFiles=$program_files -D Exe=cashdrawerd.exe -D Ini=cashdrawerd.ini \
	-o "$msi" cashdrawerd.wxs)
msibuild "$stage/$msi" -q "INSERT INTO RemoveFile (FileKey, Component_, FileName, DirProperty, InstallMode) VALUES ('RemoveLogs', 'Logs', '*', 'LOGSDIR', 2)"
msibuild "$stage/$msi" -q "UPDATE InstallExecuteSequence SET Sequence = 6650 WHERE Action = 'RemoveExistingProducts'"
# --remove-tls after the service stopped (StopServices, 1900) and before the
# files go (RemoveFiles, 3500): wixl gives an action scheduled Before another
# the sequence 1, outside the script where deferred actions must be.
msibuild "$stage/$msi" -q "UPDATE InstallExecuteSequence SET Sequence = 3450 WHERE Action = 'RemoveTls'"
# The Event Log source's key as Windows writes it: no trailing backslash (wixl
# adds one), EventMessageFile a REG_EXPAND_SZ ("#%", wixl ignores
# Type="expandable"), and the whole key deleted at uninstall ("*").
msibuild "$stage/$msi" -q "UPDATE \`Registry\` SET \`Key\` = 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\cashdrawerd' WHERE Component_ = 'Service'"
msibuild "$stage/$msi" -q "UPDATE \`Registry\` SET \`Value\` = '#%[#cashdrawerd.exe]' WHERE Name = 'EventMessageFile'"
msibuild "$stage/$msi" -q "INSERT INTO \`Registry\` (\`Registry\`, \`Root\`, \`Key\`, \`Name\`, \`Component_\`) VALUES ('EventSourceKey', 2, 'SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\cashdrawerd', '*', 'Service')"
mkdir -p "$out"
cp "$stage/$msi" "$out/$msi"
echo "$out/$msi"
