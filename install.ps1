# Isartor installer for Windows: irm <release-url>/install.ps1 | iex
#
# Downloads the windows-x64 release archive and SHA256SUMS, verifies the checksum and installs the
# binary (with the native files it needs beside it) under a prefix. Offline:
# $env:ISARTOR_INSTALL_FROM = <bundle directory | bundle .tar.gz | release archive>. Safe to run again.
#
# Parameters (or environment):
#   -Prefix DIR      default $env:LOCALAPPDATA\Isartor (bin\ and lib\ inside)     ISARTOR_PREFIX
#   -Version V       release version (default: latest)                           ISARTOR_VERSION
#   -BaseUrl URL     where release files live                                    ISARTOR_INSTALL_BASE_URL
#   -From PATH       offline source                                              ISARTOR_INSTALL_FROM
#   -ModelsDir DIR   model cache to fill (default ISARTOR_HF_CACHE_DIR or ~\.cache\isartor\models)
#   -NoPath          do not add the bin directory to the user's PATH
param(
  [string]$Prefix = $(if ($env:ISARTOR_PREFIX) { $env:ISARTOR_PREFIX } else { Join-Path $env:LOCALAPPDATA "Isartor" }),
  [string]$Version = $(if ($env:ISARTOR_VERSION) { $env:ISARTOR_VERSION } else { "latest" }),
  [string]$BaseUrl = $(if ($env:ISARTOR_INSTALL_BASE_URL) { $env:ISARTOR_INSTALL_BASE_URL } else { "https://github.com/isartor-ts/isartor/releases" }),
  [string]$From = $env:ISARTOR_INSTALL_FROM,
  [string]$ModelsDir = $(if ($env:ISARTOR_HF_CACHE_DIR) { $env:ISARTOR_HF_CACHE_DIR } else { Join-Path $HOME ".cache\isartor\models" }),
  [switch]$NoPath
)
$ErrorActionPreference = "Stop"
function Say($m) { Write-Host "isartor-install: $m" }
function Die($m) { Write-Host "isartor-install: error: $m" -ForegroundColor Red; exit 1 }

$arch = $env:PROCESSOR_ARCHITECTURE
if ($arch -ne "AMD64") { Die "unsupported CPU '$arch' (windows-x64 builds only)" }
$target = "windows-x64"
$work = Join-Path ([System.IO.Path]::GetTempPath()) ("isartor-install-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $work | Out-Null

function Find-Archive($sumsFile) {
  foreach ($line in Get-Content $sumsFile) {
    if ($line -match "^([0-9a-f]{64})\s+(isartor-.*-$target\.tar\.gz)$") { return @{ Sha = $Matches[1]; Name = $Matches[2] } }
  }
  Die "no release for $target in $sumsFile"
}

try {
  $srcDir = $null
  if ($From) {
    if (-not (Test-Path $From)) { Die "ISARTOR_INSTALL_FROM: $From does not exist" }
    if (Test-Path $From -PathType Container) { $srcDir = (Resolve-Path $From).Path }
    elseif ($From -match "isartor-bundle-.*\.(tar\.gz|tgz)$") {
      $b = Join-Path $work "bundle"; New-Item -ItemType Directory -Path $b | Out-Null
      tar -xzf $From -C $b; if ($LASTEXITCODE -ne 0) { Die "cannot unpack the bundle $From" }
      $sums = Get-ChildItem -Path $b -Recurse -Filter SHA256SUMS | Select-Object -First 1
      if (-not $sums) { Die "the bundle $From has no SHA256SUMS" }
      $srcDir = $sums.DirectoryName
    } else { $srcDir = Split-Path (Resolve-Path $From).Path }
    if (-not (Test-Path (Join-Path $srcDir "SHA256SUMS"))) { Die "no SHA256SUMS in ${srcDir}: refusing to install unverified files" }
    Copy-Item (Join-Path $srcDir "SHA256SUMS") (Join-Path $work "SHA256SUMS")
    $a = Find-Archive (Join-Path $work "SHA256SUMS")
    Copy-Item (Join-Path $srcDir $a.Name) (Join-Path $work $a.Name)
    Say "installing offline from $srcDir"
  } else {
    $rel = if ($Version -eq "latest") { "$BaseUrl/latest/download" } else { "$BaseUrl/download/v$($Version.TrimStart('v'))" }
    Say "downloading the $target release from $rel"
    Invoke-WebRequest -UseBasicParsing -Uri "$rel/SHA256SUMS" -OutFile (Join-Path $work "SHA256SUMS")
    $a = Find-Archive (Join-Path $work "SHA256SUMS")
    Invoke-WebRequest -UseBasicParsing -Uri "$rel/$($a.Name)" -OutFile (Join-Path $work $a.Name)
  }

  $actual = (Get-FileHash -Algorithm SHA256 (Join-Path $work $a.Name)).Hash.ToLower()
  if ($actual -ne $a.Sha) { Die "checksum mismatch for $($a.Name): SHA256SUMS says $($a.Sha), the file has $actual - nothing was installed" }
  Say "checksum OK ($($a.Name))"

  $unpacked = Join-Path $work "unpacked"; New-Item -ItemType Directory -Path $unpacked | Out-Null
  tar -xzf (Join-Path $work $a.Name) -C $unpacked; if ($LASTEXITCODE -ne 0) { Die "cannot unpack $($a.Name)" }
  $dir = Get-ChildItem -Path $unpacked -Directory | Select-Object -First 1
  if (-not (Test-Path (Join-Path $dir.FullName "isartor.exe"))) { Die "$($a.Name) holds no isartor.exe" }

  $lib = Join-Path $Prefix "lib\isartor"; $bin = Join-Path $Prefix "bin"
  New-Item -ItemType Directory -Force -Path (Join-Path $Prefix "lib"), $bin | Out-Null
  if (Test-Path "$lib.new") { Remove-Item -Recurse -Force "$lib.new" }
  Copy-Item -Recurse $dir.FullName "$lib.new"
  if (Test-Path $lib) { Remove-Item -Recurse -Force $lib }
  Move-Item "$lib.new" $lib
  # a small launcher in bin\ keeps the binary beside its native files in lib\isartor
  Set-Content -Path (Join-Path $bin "isartor.cmd") -Value "@echo off`r`n`"$lib\isartor.exe`" %*" -Encoding ASCII
  $v = & (Join-Path $lib "isartor.exe") --version
  Say "installed $v to $lib (launcher $bin\isartor.cmd)"

  if ($srcDir -and (Test-Path (Join-Path $srcDir "models"))) {
    New-Item -ItemType Directory -Force -Path $ModelsDir | Out-Null
    Copy-Item -Recurse -Force (Join-Path $srcDir "models\*") $ModelsDir
    Say "installed bundled models into $ModelsDir"
  }
  if (-not $NoPath) {
    $userPath = [Environment]::GetEnvironmentVariable("Path", "User")
    if (-not ($userPath -split ";" | Where-Object { $_ -eq $bin })) {
      [Environment]::SetEnvironmentVariable("Path", "$bin;$userPath", "User")
      Say "added $bin to your PATH (new terminals)"
    }
  }
  Say "start it:  isartor up        (or: isartor setup, then isartor up --detach)"
} finally {
  Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
}
