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
    test     install what the tests need (Debian packages, as root), publish, smoke-run the benchmarks,
             run every test
    fuzz     coverage-guided fuzzing of the JSON -> line-protocol path (tests/Fuzz): installs afl++
             (Debian, as root) when missing, builds the target into artifacts/fuzz/build, instruments
             execd-jvb.dll with sharpfuzz (a local dotnet tool), fuzzes for -Duration seconds, prints
             the number of executions and where crashes were saved (artifacts/fuzz/<engine>/<stamp>/),
             replays any crash to show its stack trace and fails if there was one.
               dotnet pwsh ./build.ps1 fuzz -Duration 600
             -Engine libfuzzer uses SharpFuzz's libFuzzer mode instead; it needs the libfuzzer-dotnet
             driver (neither SharpFuzz nor Debian ships it): build it with clang -fsanitize=fuzzer and
             name it in $env:LIBFUZZER_DOTNET or put libfuzzer-dotnet on PATH.
    bench    BenchmarkDotNet suite of the gather hot path (tests/Benchmarks: StatsMapper, LineProtocolWriter,
             GoFloatFormat) with the memory diagnoser, short job; reports in artifacts/bench/results.
             Fails if BenchmarkDotNet reports an error. -Quick runs the dry job instead: a smoke test of a
             few seconds per benchmark whose timings mean nothing.
               dotnet pwsh ./build.ps1 bench -Quick
             One class, or any other BenchmarkDotNet option, by hand:
               dotnet run -c Release --project tests/Benchmarks -- --filter *Mapper* --memory --job short
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'fuzz', 'bench')]
    [string] $Task = 'build',

    [string] $Rid = 'linux-x64',

    [string] $Configuration = 'Release',

    # fuzz: how long the fuzzer runs, in seconds.
    [ValidateRange(1, 604800)]
    [int] $Duration = 300,

    # fuzz: afl (afl-fuzz from Debian's afl++) or libfuzzer (needs the libfuzzer-dotnet driver, see above).
    [ValidateSet('afl', 'libfuzzer')]
    [string] $Engine = 'afl',

    # bench: BenchmarkDotNet's dry job (runs each benchmark once or twice; no timing claims) instead of the short job.
    [switch] $Quick
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
    $env:PLUGIN_BINARY_UNDER_TEST = $binary
    Invoke-Build

    # The benchmarks only as a smoke (one dry iteration each, no timing claims), so they keep running.
    $script:Quick = $true
    Invoke-Bench

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

function Install-Afl {
    if (Get-Command afl-fuzz -ErrorAction SilentlyContinue) {
        Write-Step 'prerequisite present: afl++ (afl-fuzz)'
        return
    }

    if (-not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        throw 'afl-fuzz is missing and apt-get is not available: install AFL++ by hand (Debian package afl++)'
    }

    if (-not (Test-Root)) {
        throw 'afl-fuzz is missing; run as root, or first: sudo apt-get update && sudo apt-get install -y afl++'
    }

    Write-Step 'installing afl++ with apt-get'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    & apt-get update -q
    & apt-get install -y -q --no-install-recommends afl++
    if (-not (Get-Command afl-fuzz -ErrorAction SilentlyContinue)) {
        throw 'apt-get ran but afl-fuzz is still missing'
    }
}

function Find-LibFuzzerDriver {
    # SharpFuzz's libFuzzer mode talks to a small native driver built with clang -fsanitize=fuzzer
    # (libfuzzer-dotnet); neither SharpFuzz's packages nor Debian ship it.
    $driver = if ($env:LIBFUZZER_DOTNET) { $env:LIBFUZZER_DOTNET } else { (Get-Command libfuzzer-dotnet -ErrorAction SilentlyContinue)?.Source }
    if (-not $driver -or -not (Test-Path $driver)) {
        throw ("-Engine libfuzzer needs the libfuzzer-dotnet driver: build it with clang -fsanitize=fuzzer " +
            "(Debian clang + libfuzzer-14-dev) and name it in `$env:LIBFUZZER_DOTNET or put it on PATH; " +
            'or fuzz with -Engine afl, which needs nothing beyond Debian''s afl++')
    }

    Write-Step "libFuzzer driver: $driver"
    return $driver
}

function Read-AflStats([string] $Path) {
    $stats = @{}
    foreach ($line in Get-Content $Path) {
        if ($line -match '^\s*(\w+)\s*:\s*(.*?)\s*$') {
            $stats[$Matches[1]] = $Matches[2]
        }
    }

    return $stats
}

function Invoke-AflFuzz([string] $TargetDll, [string] $Seeds, [string] $Dictionary, [string] $OutDir) {
    New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
    $env:AFL_SKIP_BIN_CHECK = '1'                      # dotnet is not instrumented: the fork server is SharpFuzz's
    $env:AFL_NO_UI = '1'                               # status lines instead of a full-screen UI, for logs and CI
    $env:AFL_NO_AFFINITY = '1'                         # the machine is shared: do not pin a core
    $env:AFL_SKIP_CPUFREQ = '1'
    $env:AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES = '1'   # findings are exceptions reported by SharpFuzz, not core dumps
    $aflArgs = @('-i', $Seeds, '-o', $OutDir, '-x', $Dictionary, '-V', "$Duration", '-t', '5000', '-m', 'none')

    Write-Step "afl-fuzz for $Duration s, findings in $OutDir (full log: $OutDir/afl-fuzz.log)"
    # afl-fuzz prints a status line per queue entry: show one every 15 s, and every other line.
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    $lastStatus = [timespan]::FromSeconds(-15)
    & afl-fuzz @aflArgs -- dotnet $TargetDll | Tee-Object -FilePath (Join-Path $OutDir 'afl-fuzz.log') | ForEach-Object {
        if ($_ -notmatch 'Fuzzing test case') {
            Write-Host $_
        }
        elseif ($clock.Elapsed - $lastStatus -ge [timespan]::FromSeconds(15)) {
            $lastStatus = $clock.Elapsed
            Write-Host $_
        }
    }

    $stats = Read-AflStats (Join-Path $OutDir 'default/fuzzer_stats')
    $runTime = if ($stats.ContainsKey('run_time')) { [long]$stats['run_time'] } else { [long]$stats['last_update'] - [long]$stats['start_time'] }
    $crashKey = if ($stats.ContainsKey('saved_crashes')) { 'saved_crashes' } else { 'unique_crashes' }
    $hangKey = if ($stats.ContainsKey('saved_hangs')) { 'saved_hangs' } else { 'unique_hangs' }
    return [pscustomobject]@{
        Executions = [long]$stats['execs_done']
        Seconds    = $runTime
        Crashes    = [int]$stats[$crashKey]
        Hangs      = [int]$stats[$hangKey]
        CrashDir   = Join-Path $OutDir 'default/crashes'
        Inputs     = @(Get-ChildItem (Join-Path $OutDir 'default/crashes'), (Join-Path $OutDir 'default/hangs') -File -Filter 'id*' -ErrorAction SilentlyContinue | ForEach-Object FullName)
    }
}

function Invoke-LibFuzzer([string] $Driver, [string] $TargetDll, [string] $Seeds, [string] $OutDir) {
    # libFuzzer adds what it finds to its first corpus folder: a working copy keeps tests/Fuzz/corpus as it is.
    $corpus = Join-Path $OutDir 'corpus'
    $crashDir = Join-Path $OutDir 'crashes'
    New-Item -ItemType Directory -Force -Path $corpus, $crashDir | Out-Null
    $log = Join-Path $OutDir 'libfuzzer.log'

    Write-Step "libFuzzer for $Duration s, findings in $OutDir"
    $PSNativeCommandUseErrorActionPreference = $false
    & $Driver "--target_path=dotnet" "--target_arg=$TargetDll" "-max_total_time=$Duration" '-print_final_stats=1' '-timeout=10' "-artifact_prefix=$crashDir/" $corpus $Seeds 2>&1 |
        ForEach-Object { "$_" } | Tee-Object -FilePath $log | Write-Host
    $exit = $LASTEXITCODE
    $PSNativeCommandUseErrorActionPreference = $true

    $text = Get-Content $log -Raw
    $executions = [regex]::Match($text, 'stat::number_of_executed_units:\s*(\d+)')
    $seconds = [regex]::Match($text, 'Done \d+ runs in (\d+) second')
    if (-not $executions.Success) {
        throw "libFuzzer printed no final stats (exit $exit); see $log"
    }

    $inputs = @(Get-ChildItem $crashDir -File -ErrorAction SilentlyContinue | ForEach-Object FullName)
    return [pscustomobject]@{
        Executions = [long]$executions.Groups[1].Value
        Seconds    = if ($seconds.Success) { [long]$seconds.Groups[1].Value } else { $Duration }
        Crashes    = @($inputs | Where-Object { (Split-Path $_ -Leaf) -notlike 'timeout-*' }).Count
        Hangs      = @($inputs | Where-Object { (Split-Path $_ -Leaf) -like 'timeout-*' }).Count
        CrashDir   = $crashDir
        Inputs     = $inputs
    }
}

function Invoke-Fuzz {
    $fuzzRoot = Join-Path $Artifacts 'fuzz'
    $project = Join-Path $Root 'tests/Fuzz/ExecdJvb.Fuzz.csproj'
    $seeds = Join-Path $Root 'tests/Fuzz/corpus'
    $driver = $null
    if ($Engine -eq 'afl') {
        Install-Afl
    }
    else {
        $driver = Find-LibFuzzerDriver
    }

    Write-Step 'sharpfuzz (local dotnet tool SharpFuzz.CommandLine)'
    Push-Location $Root
    try {
        dotnet tool restore
    }
    finally {
        Pop-Location
    }

    # A build folder of its own, so fuzzing never races another build of the solution.
    $buildRoot = Join-Path $fuzzRoot 'build'
    Write-Step "build the fuzz target ($Configuration) into $buildRoot"
    dotnet build $project -c $Configuration --artifacts-path $buildRoot -nologo
    $built = Join-Path $buildRoot "bin/ExecdJvb.Fuzz/$($Configuration.ToLowerInvariant())"

    # Instrument a copy: the build output stays plain, so incremental builds and crash replays keep working.
    $target = Join-Path $fuzzRoot 'target'
    Remove-Item -Recurse -Force $target -ErrorAction SilentlyContinue
    Copy-Item -Recurse -Path $built -Destination $target
    Write-Step 'instrument execd-jvb.dll with sharpfuzz'
    Push-Location $Root
    try {
        dotnet tool run sharpfuzz (Join-Path $target 'execd-jvb.dll')
    }
    finally {
        Pop-Location
    }

    $outDir = Join-Path $fuzzRoot "$Engine/$(Get-Date -Format 'yyyyMMdd-HHmmss')"
    $targetDll = Join-Path $target 'ExecdJvb.Fuzz.dll'
    $result = if ($Engine -eq 'afl') {
        Invoke-AflFuzz -TargetDll $targetDll -Seeds $seeds -Dictionary (Join-Path $Root 'tests/Fuzz/json.dict') -OutDir $outDir
    }
    else {
        Invoke-LibFuzzer -Driver $driver -TargetDll $targetDll -Seeds $seeds -OutDir $outDir
    }

    $rate = if ($result.Seconds -gt 0) { [math]::Round($result.Executions / $result.Seconds) } else { 0 }
    Write-Host ("fuzz summary: {0} ran {1:N0} executions in {2} s ({3:N0}/s); {4} crash(es), {5} hang(s); crashing inputs are saved in {6}" -f
        $Engine, $result.Executions, $result.Seconds, $rate, $result.Crashes, $result.Hangs, $result.CrashDir)

    if ($result.Inputs.Count -gt 0) {
        # Replay through the uninstrumented build: it prints each input's exception and stack trace.
        Write-Step 'replay of the saved inputs'
        $PSNativeCommandUseErrorActionPreference = $false
        & dotnet (Join-Path $built 'ExecdJvb.Fuzz.dll') @($result.Inputs)
        $PSNativeCommandUseErrorActionPreference = $true
    }

    if ($result.Crashes + $result.Hangs -gt 0) {
        throw "the fuzzer found $($result.Crashes) crash(es) and $($result.Hangs) hang(s); inputs in $($result.CrashDir)"
    }
}

function Invoke-Bench {
    $project = Join-Path $Root 'tests/Benchmarks/ExecdJvb.Benchmarks.csproj'
    $results = Join-Path $Artifacts 'bench'
    $job = if ($Quick) { 'dry' } else { 'short' }
    Write-Step "benchmarks ($job job), reports in $results/results"
    # '*' is quoted: PowerShell expands bare wildcards in native arguments on Unix.
    $PSNativeCommandUseErrorActionPreference = $false
    & dotnet run -c Release --project $project -- --filter '*' --memory --job $job --artifacts $results 2>&1 |
        ForEach-Object { "$_" } | Tee-Object -Variable log | Write-Host
    $exit = $LASTEXITCODE
    $PSNativeCommandUseErrorActionPreference = $true

    # Program exits 1 when a benchmark failed or a validation error stopped the run; the markers below are
    # BenchmarkDotNet's own error lines (a failed build, an exception or crash in a benchmark process).
    $errors = @($log | Where-Object { $_ -cmatch '// ERROR: |// Build Error: |// Generate Exception: |The build has failed!|ExitCode != 0|^Exception!|Exception during GlobalCleanup' })
    if ($exit -ne 0 -or $errors.Count -gt 0) {
        throw "BenchmarkDotNet reported an error (exit $exit):`n$($errors -join "`n")"
    }
}

switch ($Task) {
    'build' { Invoke-Build }
    'publish' { $null = Invoke-Publish }
    'test' { Invoke-Test }
    'fuzz' { Invoke-Fuzz }
    'bench' { Invoke-Bench }
}
