#!/usr/bin/env pwsh
<#
.SYNOPSIS
  Builds, tests and publishes execd-jvb.
.DESCRIPTION
  Run through the repository's local PowerShell tool:
    dotnet tool restore && dotnet pwsh ./build.ps1 <task>
  Tasks:
    build    compile the solution (warnings are errors)
    publish  Native-AOT single binary into artifacts/<rid>/execd-jvb; fails on any IL/AOT warning,
             then runs the binary once as a smoke test
    test     install what the tests need (Debian packages, as root), publish, run every test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish')]
    [string] $Task = 'build',

    [string] $Rid = 'linux-x64',

    [string] $Configuration = 'Release'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$PSNativeCommandUseErrorActionPreference = $true

$Root = $PSScriptRoot
$Solution = Join-Path $Root 'ExecdJvb.sln'
$PluginProject = Join-Path $Root 'plugin/ExecdJvb.csproj'
$Artifacts = Join-Path $Root 'artifacts'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Invoke-Build {
    Write-Step "build $Configuration"
    dotnet build $Solution -c $Configuration -nologo
}

function Invoke-Publish {
    $output = Join-Path $Artifacts $Rid
    Write-Step "publish Native AOT for $Rid into $output"
    # Publish from a clean intermediate state so every IL/AOT warning is printed again, not cached away.
    $log = & dotnet publish $PluginProject -c $Configuration -r $Rid -o $output -nologo '-p:TreatWarningsAsErrors=false' 2>&1
    $exit = $LASTEXITCODE
    $log | ForEach-Object { Write-Host $_ }
    if ($exit -ne 0) {
        throw "dotnet publish failed with exit code $exit"
    }

    $warnings = @($log | Where-Object { $_ -match 'warning (IL\d+|AOT\d+|CS\d+|CA\d+)' })
    if ($warnings.Count -gt 0) {
        throw "publish printed $($warnings.Count) warning(s); the AOT build must be warning-free:`n$($warnings -join "`n")"
    }

    $binary = Join-Path $output 'execd-jvb'
    $size = (Get-Item $binary).Length
    Write-Host ("binary: {0} ({1:N1} MB)" -f $binary, ($size / 1MB))

    $hostRid = if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'linux-arm64' } else { 'linux-x64' }
    if ($Rid -eq $hostRid) {
        Write-Step 'smoke test: the published binary runs'
        $version = & $binary --version
        if ($LASTEXITCODE -ne 0 -or $version -notmatch '^execd-jvb \d+\.\d+\.\d+') {
            throw "smoke test failed: '$binary --version' printed '$version' (exit $LASTEXITCODE)"
        }

        Write-Host $version
        $PSNativeCommandUseErrorActionPreference = $false
        $errorLine = & $binary --timeout nonsense --urls 127.0.0.1 2>&1
        if ($LASTEXITCODE -ne 2 -or "$errorLine" -notmatch '^E! invalid timeout') {
            throw "smoke test failed: a bad option should exit 2 with an E! line, got exit $LASTEXITCODE and '$errorLine'"
        }
    }

    return $binary
}

function Test-Root {
    return ((& id -u) -eq '0')
}

function Install-Prerequisites {
    # The integration tests start their own dockerd, influxd and a busybox-based image.
    $needed = [ordered]@{
        'docker.io'      = { Get-Command dockerd -ErrorAction SilentlyContinue }
        'influxdb'       = { Get-Command influxd -ErrorAction SilentlyContinue }
        'busybox-static' = { (Test-Path /bin/busybox) -and ((& file -L /bin/busybox 2>$null) -match 'statically linked') }
    }
    $missing = @($needed.Keys | Where-Object { -not (& $needed[$_]) })
    if ($missing.Count -eq 0) {
        Write-Step 'prerequisites present: docker.io, influxdb, busybox-static'
        return
    }

    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        throw "missing $($missing -join ', ') and apt-get is not available: install them by hand (Debian package names)"
    }

    if (-not (Test-Root)) {
        throw "missing Debian package(s) $($missing -join ', '); run as root, or first: sudo apt-get update && sudo apt-get install -y $($missing -join ' ')"
    }

    Write-Step "installing $($missing -join ', ') with apt-get"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -q
    & apt-get install -y -q --no-install-recommends @missing file
    $still = @($needed.Keys | Where-Object { -not (& $needed[$_]) })
    if ($still.Count -gt 0) {
        throw "apt-get ran but $($still -join ', ') is still missing"
    }
}

function Invoke-Test {
    Install-Prerequisites
    $binary = Invoke-Publish
    $env:EXECD_JVB_BINARY = $binary
    Invoke-Build

    Write-Step 'test'
    $results = Join-Path $Artifacts 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
    $PSNativeCommandUseErrorActionPreference = $false
    & dotnet test $Solution -c $Configuration --no-build -nologo --logger 'console;verbosity=normal' --logger 'trx;LogFileName=results.trx' --results-directory $results
    $testExit = $LASTEXITCODE
    $PSNativeCommandUseErrorActionPreference = $true

    $trx = Get-ChildItem -Path $results -Filter *.trx -Recurse -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $trx) {
        throw "no test results were written (dotnet test exit $testExit)"
    }

    $counters = ([xml](Get-Content $trx.FullName)).TestRun.ResultSummary.Counters
    $passed = [int]$counters.passed
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    $skipped = [int]$counters.notExecuted
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($testExit -ne 0 -or $failed -gt 0 -or $passed -eq 0) {
        throw "tests failed (exit $testExit)"
    }

    if ($skipped -gt 0) {
        throw "$skipped test(s) did not run; a skipped test counts as a failure here"
    }
}

switch ($Task) {
    'build' { Invoke-Build }
    'publish' { $null = Invoke-Publish }
    'test' { Invoke-Test }
}
