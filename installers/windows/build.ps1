# Build the Windows installer: the PyInstaller one-folder bundle, then the Inno Setup script.
#
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1
#
# Needs Python 3.11-3.13 (64-bit) and Inno Setup 6.3 or later (iscc.exe on the PATH or in its
# default folder). Gives dist\precinct-console-VERSION-windows-x64-setup.exe.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

if (-not (Test-Path .venv\Scripts\python.exe)) { py -3 -m venv .venv }
.venv\Scripts\python.exe -m pip install -q --upgrade pip
.venv\Scripts\python.exe -m pip install -q -e ".[build]"
$version = .venv\Scripts\python.exe -c "import precinct_console; print(precinct_console.__version__)"

$started = Get-Date
.venv\Scripts\python.exe -m PyInstaller --noconfirm --clean --log-level WARN `
    --distpath dist --workpath build\pyinstaller installers\precinct-console.spec
# The bundle must start on its own before it is packed.
& dist\precinct-console\precinct-console.exe --version
if ($LASTEXITCODE -ne 0) { throw "the frozen precinct-console.exe does not start" }
& dist\precinct-console\precinct-console.exe doctor --no-web-engine
if ($LASTEXITCODE -ne 0) { throw "doctor found a problem in the bundle" }

$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" installers\windows\precinct-console.iss
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
$elapsed = (Get-Date) - $started
Write-Host ("installer: dist\precinct-console-{0}-windows-x64-setup.exe ({1:N0} s)" -f $version, $elapsed.TotalSeconds)
