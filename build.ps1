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
             run every test, then build the release as a smoke
    fuzz     coverage-guided fuzzing of the JSON -> line-protocol path (tests/Fuzz): installs afl++
             (Debian, as root) when missing, builds the target into artifacts/fuzz/build, instruments
             execd-jvb.dll with sharpfuzz (a local dotnet tool), fuzzes for -Duration seconds, prints
             the number of executions and where crashes were saved (artifacts/fuzz/<engine>/<stamp>/),
             replays any crash to show its stack trace and fails if there was one.
               dotnet pwsh ./build.ps1 fuzz -Duration 600
             -Engine libfuzzer uses SharpFuzz's libFuzzer mode instead; it needs the libfuzzer-dotnet
             driver (neither SharpFuzz nor Debian ships it): build it with clang -fsanitize=fuzzer and
             name it in $env:LIBFUZZER_DOTNET or put libfuzzer-dotnet on PATH.
    bench    BenchmarkDotNet suite of the gather hot path (tests/Benchmarks: JsonFlattener, LineProtocolWriter,
             GoFloatFormat) with the memory diagnoser, short job; reports in artifacts/bench/results.
             Then the end-to-end benchmark (tests/Benchmarks/EndToEnd, as root: it starts a private dockerd;
             needs gcc, golang-go, python3 and busybox-static, and uses perf stat where it works): the
             published AOT binary (PLUGIN_BINARY_UNDER_TEST, else published first), a C floor
             (EndToEnd/floor/floor.c, compiled with gcc -O2 into artifacts/bench/floor), a minimal Python
             scraper (EndToEnd/floor/scraper.py) and a Go scraper on net/http and encoding/json
             (EndToEnd/floor/scraper.go, built offline into artifacts/bench/goscraper), each one long-lived
             process driven through stdin as Telegraf does, side by side against busybox httpd JVBs on
             127.0.0.1, one JVB container found through Docker and a whole docker-jitsi-meet host (JVB, Jicofo,
             Prosody) read through Docker: CPU and context switches per gather one a second and back to back,
             RSS after 100,000 gathers, binary size, start to first batch, one gather of 100 JVBs;
             min/median/max over 5 runs with the ratios to the floor, to Python and to Go, each target met or
             not; one table on stdout and in
             artifacts/bench/e2e.md (about 30 minutes on 2 cores; tests/Benchmarks/README.md says
             what each figure means).
             Fails if BenchmarkDotNet reports an error or a client broke; a figure that misses its target is
             reported, not failed. -Quick runs the dry job and the end-to-end benchmark at smoke sizes (1 run,
             8 gathers 0.2 s apart, 300 back to back, 2,000 for RSS; under a minute): timings that mean nothing.
               dotnet pwsh ./build.ps1 bench -Quick
             One class, or any other BenchmarkDotNet option, by hand:
               dotnet run -c Release --project tests/Benchmarks -- --filter *Mapper* --memory --job short
             The end-to-end benchmark alone, by hand (e2e --help lists the sizes it takes; --only host runs
             the docker-jitsi-meet host alone):
               dotnet run -c Release --project tests/Benchmarks -- e2e --binary artifacts/linux-x64/execd-jvb
    release  the downloads, into artifacts/release: Native-AOT binaries for linux-x64 and linux-arm64
             (cross-compiled with clang and lld; installs Debian's cross packages and qemu-user as root),
             each packed as execd-jvb-<version>-<rid>.tar.gz with README.md, LICENSE, telegraf-sample.conf,
             execd-jvb.example.json and the Grafana dashboard with its README, plus SHA256SUMS. <version> is
             <Version> in plugin/ExecdJvb.csproj. Fails on an AOT warning, on a glibc symbol version newer than 2.34,
             or when an unpacked binary (arm64 under qemu-aarch64) does not print that version or does
             not map every JVB fixture, served by busybox httpd on 127.0.0.1, to its golden line.
             Each binary is also packed as execd-jvb_<version>_<amd64|arm64>.deb (dpkg-deb) and
             execd-jvb-<version>-1.<x86_64|aarch64>.rpm (rpmbuild; installs rpm and lintian as root), from
             plugin/packaging, all in SHA256SUMS. Fails when lintian reports an error or a warning, when the amd64
             .deb, installed here with dpkg, does not run as above, keep an edited configuration file across a
             reinstall and dpkg -r or leave nothing after dpkg -P (refused where execd-jvb is already installed),
             or when an .rpm read back with rpm -qp, or installed into a scratch root, is not what was packed.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'publish', 'fuzz', 'bench', 'release')]
    [string] $Task = 'build',

    [string] $Rid = 'linux-x64',

    [string] $Configuration = 'Release',

    # fuzz: how long the fuzzer runs, in seconds.
    [ValidateRange(1, 604800)]
    [int] $Duration = 300,

    # fuzz: afl (afl-fuzz from Debian's afl++) or libfuzzer (needs the libfuzzer-dotnet driver, see above).
    [ValidateSet('afl', 'libfuzzer')]
    [string] $Engine = 'afl',

    # bench: BenchmarkDotNet's dry job (runs each benchmark once or twice; no timing claims) instead of the short
    # job, and the end-to-end benchmark at smoke sizes.
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

# Test-Root and Install-Prerequisites: the Debian packages the test and release tasks need.
. (Join-Path $Root 'tests/Prerequisites.ps1')

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

function Invoke-Test {
    Install-Prerequisites
    $binary = Invoke-Publish
    $env:PLUGIN_BINARY_UNDER_TEST = $binary
    Invoke-Build

    # The benchmarks only as a smoke (one dry iteration each, no timing claims), so they keep running.
    $script:Quick = $true
    Invoke-Bench

    # Each test project writes its own results file: the unit tests and the integration tests.
    $testProjects = @(
        Join-Path $Root 'tests/ExecdJvb.Tests/ExecdJvb.Tests.csproj'
        Join-Path $Root 'tests/ExecdJvb.IntegrationTests/ExecdJvb.IntegrationTests.csproj'
    )
    $results = Join-Path $Artifacts 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction SilentlyContinue
    $passed = 0
    $failed = 0
    $skipped = 0
    $exits = @()
    foreach ($project in $testProjects) {
        $name = [System.IO.Path]::GetFileNameWithoutExtension($project)
        Write-Step "test $name"
        $PSNativeCommandUseErrorActionPreference = $false
        & dotnet test $project -c $Configuration --no-build -nologo --logger 'console;verbosity=normal' --logger "trx;LogFileName=$name.trx" --results-directory $results
        $exits += $LASTEXITCODE
        $PSNativeCommandUseErrorActionPreference = $true

        $trx = Join-Path $results "$name.trx"
        if (-not (Test-Path $trx)) {
            throw "$name wrote no test results (dotnet test exit $LASTEXITCODE)"
        }

        $counters = ([xml](Get-Content $trx)).TestRun.ResultSummary.Counters
        $projectPassed = [int]$counters.passed
        $projectFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $projectSkipped = [int]$counters.notExecuted
        Write-Host "$($name): $projectPassed passed, $projectFailed failed, $projectSkipped skipped"
        if ($projectPassed -eq 0) {
            throw "$name ran no test"
        }

        $passed += $projectPassed
        $failed += $projectFailed
        $skipped += $projectSkipped
    }

    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if (@($exits | Where-Object { $_ -ne 0 }).Count -gt 0 -or $failed -gt 0) {
        throw "tests failed (exit codes $($exits -join ', '))"
    }

    if ($skipped -gt 0) {
        throw "$skipped test(s) did not run; a skipped test counts as a failure here"
    }

    # The release once as a smoke: both rids built and packed, the arm64 one run under qemu-user.
    Invoke-Release
}

function Install-Afl {
    Install-Prerequisites -Needed ([ordered]@{ 'afl++' = { Get-Command afl-fuzz -ErrorAction SilentlyContinue } })
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
    # libFuzzer adds what it finds to its first corpus folder: a working copy keeps the seeds as they are.
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
    # The seeds are the payloads of tests/testdata, read where they live: the JVB answers, the hand-written edge
    # documents and every input the fuzzer ever reported. afl-fuzz takes one input folder, so they are gathered.
    $seeds = Join-Path $fuzzRoot 'seeds'
    Remove-Item -Recurse -Force $seeds -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $seeds | Out-Null
    $testdata = Join-Path $Root 'tests/testdata'
    Copy-Item -Path (Join-Path $testdata 'jvb/*.json'), (Join-Path $testdata 'fuzz-seeds/*.json'), (Join-Path $testdata 'fuzz-regressions/*.bin') -Destination $seeds
    Write-Step "seeds: $(@(Get-ChildItem $seeds -File).Count) files from $testdata (jvb, fuzz-seeds, fuzz-regressions)"
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

    # The end-to-end benchmark runs the binary on this machine, against a private dockerd (root, as the
    # integration tests), with dockerd and a static busybox for the JVBs, gcc for the C floor, go for the Go
    # scraper and python3 for the Python scraper; perf (linux-perf) counts CPU where it works, else the schedstat
    # sums do.
    $hostRid = Get-HostRid
    if ($Rid -ne $hostRid) {
        throw "bench runs the binary on this machine: use -Rid $hostRid (or leave it out)"
    }

    if (-not (Test-Root)) {
        throw 'the end-to-end benchmark starts a private dockerd and must run as root (as the integration tests do)'
    }

    $missing = @()
    if (-not (Get-Command dockerd -ErrorAction SilentlyContinue)) { $missing += 'docker.io' }
    if (-not ((Test-Path /bin/busybox) -and ((& file -L /bin/busybox 2>$null) -match 'statically linked'))) { $missing += 'busybox-static' }
    if (-not (Get-Command gcc -ErrorAction SilentlyContinue)) { $missing += 'gcc' }
    if (-not (Get-Command go -ErrorAction SilentlyContinue)) { $missing += 'golang-go' }
    if (-not (Get-Command python3 -ErrorAction SilentlyContinue)) { $missing += 'python3' }
    if ($missing.Count -gt 0) {
        throw "the end-to-end benchmark needs $($missing -join ', '): apt-get install $($missing -join ' ') (dotnet pwsh ./build.ps1 test installs docker.io and busybox-static)"
    }

    if (-not (Get-Command perf -ErrorAction SilentlyContinue)) {
        Write-Host 'perf is not installed (Debian: linux-perf): CPU is counted from the schedstat sums instead'
    }

    # The AOT binary: the one build.ps1 test has just published, else a fresh publish of the sources.
    $binary = if ($env:PLUGIN_BINARY_UNDER_TEST) { $env:PLUGIN_BINARY_UNDER_TEST } else { Invoke-Publish }

    $e2eArgs = @('e2e', '--binary', $binary, '--out', $results)
    if ($Quick) {
        $e2eArgs += '--quick'
    }

    # On Ctrl-C the benchmark process gets SIGINT too and stops what it started (clients, perf, busybox
    # httpd, the container, dockerd) before it exits.
    Write-Step "end-to-end benchmark$(if ($Quick) { ' (quick: smoke sizes, timings mean nothing)' }), table in $results/e2e.md"
    $PSNativeCommandUseErrorActionPreference = $false
    & dotnet run -c Release --project $project -- @e2eArgs
    $exit = $LASTEXITCODE
    $PSNativeCommandUseErrorActionPreference = $true
    if ($exit -ne 0) {
        throw "the end-to-end benchmark failed (exit $exit); see the e2e: lines above"
    }
}

# release: linux-x64 is built natively, linux-arm64 cross-compiled on the same x64 host (clang with lld,
# which links any target, against Debian's arm64 cross libraries; ILCompiler's default bfd linker is the
# host's x86-only ld) and run under qemu-user. Objdump reads each binary's glibc symbol versions.
# DebArch and RpmArch name the rid's machine in the .deb and .rpm built from its binary.
$ReleaseTargets = [ordered]@{
    'linux-x64'   = @{ Properties = @(); Runner = @(); Objdump = 'objdump'; DebArch = 'amd64'; RpmArch = 'x86_64' }
    'linux-arm64' = @{ Properties = @('-p:CppCompilerAndLinker=clang', '-p:LinkerFlavor=lld'); Runner = @('qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'); Objdump = 'llvm-objdump'; DebArch = 'arm64'; RpmArch = 'aarch64' }
}

# The newest glibc symbol version a release binary may need: 2.34 is Debian 12, Ubuntu 22.04 and RHEL 9.
$ReleaseGlibcMax = [version]'2.34'

function Get-HostRid {
    if ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64') { 'linux-arm64' } else { 'linux-x64' }
}

function Get-PluginVersion {
    # The one place the version lives: <Version> in plugin/ExecdJvb.csproj, which --version prints.
    $version = "$(& dotnet msbuild $PluginProject -nologo -getProperty:Version)".Trim()
    if ($version -notmatch '^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$') {
        throw "plugin/ExecdJvb.csproj gives Version '$version'; expected major.minor.patch[-suffix]"
    }

    return $version
}

function Invoke-AotPublish([string] $TargetRid, [string] $Output, [string] $BuildRoot, [string[]] $Properties) {
    Write-Step "publish Native AOT for $TargetRid (Release) into $Output"
    # Warnings are printed rather than fatal so that all of them show; any one fails the publish below.
    $PSNativeCommandUseErrorActionPreference = $false
    $log = & dotnet publish $PluginProject -c Release -r $TargetRid -o $Output --artifacts-path $BuildRoot -nologo '-p:TreatWarningsAsErrors=false' @Properties 2>&1 |
        ForEach-Object { "$_" }
    $exit = $LASTEXITCODE
    $log | Write-Host
    if ($exit -ne 0) {
        throw "dotnet publish for $TargetRid failed with exit code $exit"
    }

    $warnings = @($log | Where-Object { $_ -match 'warning (IL\d+|AOT\d+|CS\d+|CA\d+)' })
    if ($warnings.Count -gt 0) {
        throw "publish for $TargetRid printed $($warnings.Count) warning(s); the AOT build must be warning-free:`n$($warnings -join "`n")"
    }

    return Join-Path $Output 'execd-jvb'
}

function Assert-GlibcVersions([string] $Binary, [string] $TargetRid, [string] $Objdump) {
    $symbols = @(& $Objdump -T $Binary | Where-Object { $_ -match '\(GLIBC_\d' })
    $needed = @($symbols | ForEach-Object { [version]([regex]::Match($_, '\(GLIBC_([\d.]+)\)').Groups[1].Value) } | Sort-Object -Unique)
    if ($needed.Count -eq 0) {
        throw "$Objdump -T $Binary shows no GLIBC symbol version: not a glibc binary?"
    }

    Write-Host ("glibc check ({0} -T): {1} needs GLIBC {2}; newest {3}, allowed up to {4}" -f
        $Objdump, $TargetRid, ($needed -join ', '), $needed[-1], $ReleaseGlibcMax)
    $newer = @($symbols | Where-Object { [version]([regex]::Match($_, '\(GLIBC_([\d.]+)\)').Groups[1].Value) -gt $ReleaseGlibcMax })
    if ($newer.Count -gt 0) {
        throw "$TargetRid binary needs a glibc newer than ${ReleaseGlibcMax}, which the README promises:`n$($newer -join "`n")"
    }
}

function Get-ReleaseEpoch {
    # The archive's timestamps come from the last commit, so the same binaries pack to the same bytes.
    if ($env:SOURCE_DATE_EPOCH) {
        return $env:SOURCE_DATE_EPOCH
    }

    $PSNativeCommandUseErrorActionPreference = $false
    $epoch = & git -C $Root log -1 --format=%ct 2>$null
    return ($LASTEXITCODE -eq 0 -and $epoch) ? "$epoch".Trim() : [string][DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
}

function New-ReleaseArchive([string] $Binary, [string] $Name, [string] $Stage, [string] $Destination) {
    $folder = Join-Path $Stage $Name
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    $files = [ordered]@{
        'execd-jvb'              = $Binary
        'README.md'              = Join-Path $Root 'README.md'
        'LICENSE'                = Join-Path $Root 'LICENSE'
        'telegraf-sample.conf'   = Join-Path $Root 'telegraf-sample.conf'
        'execd-jvb.example.json' = Join-Path $Root 'plugin/execd-jvb.example.json'
    }
    $dashboard = Join-Path $Root 'plugin/grafana/jitsi-stats-dashboard.json'
    if (Test-Path $dashboard) {
        $files['jitsi-stats-dashboard.json'] = $dashboard
        $files['jitsi-stats-dashboard.md'] = Join-Path $Root 'plugin/grafana/README.md'
    }

    foreach ($entry in $files.GetEnumerator()) {
        $target = Join-Path $folder $entry.Key
        Copy-Item -LiteralPath $entry.Value -Destination $target
        & chmod ($entry.Key -eq 'execd-jvb' ? '0755' : '0644') $target
    }

    $archive = Join-Path $Destination "$Name.tar.gz"
    & tar --sort=name --owner=0 --group=0 --numeric-owner "--mtime=@$(Get-ReleaseEpoch)" -I 'gzip -9n' -C $Stage -cf $archive $Name
    $listed = @(& tar -tzf $archive | Sort-Object)
    $expected = @(@("$Name/") + @($files.Keys | ForEach-Object { "$Name/$_" }) | Sort-Object)
    if (Compare-Object $expected $listed) {
        throw "$archive holds`n$($listed -join "`n")`nexpected`n$($expected -join "`n")"
    }

    return Get-Item $archive
}

function Invoke-Captured([string[]] $Command, [int] $TimeoutSeconds = 60) {
    $info = [System.Diagnostics.ProcessStartInfo]::new($Command[0])
    $Command | Select-Object -Skip 1 | ForEach-Object { $info.ArgumentList.Add($_) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill()
            throw "'$($Command -join ' ')' did not finish within $TimeoutSeconds s"
        }

        $process.WaitForExit()
        return [pscustomobject]@{ ExitCode = $process.ExitCode; Stdout = $stdout.Result; Stderr = $stderr.Result }
    }
    finally {
        $process.Dispose()
    }
}

function Start-JvbStandIn([string] $Folder, [hashtable] $Documents) {
    # busybox httpd (busybox-static, which the tests need too) serves each fixture at /<name>/colibri/stats.
    foreach ($name in $Documents.Keys) {
        $path = Join-Path $Folder "$name/colibri"
        New-Item -ItemType Directory -Force -Path $path | Out-Null
        Copy-Item -LiteralPath $Documents[$name] -Destination (Join-Path $path 'stats')
    }

    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start()
    $port = $probe.LocalEndpoint.Port
    $probe.Stop()
    $info = [System.Diagnostics.ProcessStartInfo]::new('busybox')
    foreach ($argument in 'httpd', '-f', '-p', "127.0.0.1:$port", '-h', $Folder) {
        $info.ArgumentList.Add($argument)
    }

    $info.UseShellExecute = $false
    $server = [System.Diagnostics.Process]::Start($info)
    for ($attempt = 0; $attempt -lt 50; $attempt++) {
        $client = [System.Net.Sockets.TcpClient]::new()
        try {
            $client.Connect([System.Net.IPAddress]::Loopback, $port)
            return [pscustomobject]@{ Process = $server; Port = $port }
        }
        catch [System.Net.Sockets.SocketException] {
            Start-Sleep -Milliseconds 100
        }
        finally {
            $client.Dispose()
        }
    }

    $server.Kill()
    throw "busybox httpd did not listen on 127.0.0.1:$port within 5 s"
}

function Test-ReleaseBinary([string] $Binary, [string] $TargetRid, [string[]] $Runner, [string] $Version, [string] $Config, [int] $Port, [hashtable] $Golden) {
    $how = if ($Runner.Count -gt 0) { "under $($Runner -join ' ')" } else { 'natively' }
    Write-Step "smoke test of the packed $TargetRid binary, $how"
    $result = Invoke-Captured (@($Runner) + @($Binary, '--version'))
    Write-Host "--version: $($result.Stdout.TrimEnd())"
    if ($result.ExitCode -ne 0 -or $result.Stdout -cne "execd-jvb $Version`n") {
        throw "$TargetRid --version printed '$($result.Stdout.TrimEnd())' (exit $($result.ExitCode)); the tarball says $Version"
    }

    # One gather, as an operator's first check: the shipped example config, every fixture as a JVB.
    $urls = @($Golden.Keys | Sort-Object | ForEach-Object { "http://127.0.0.1:$Port/$_/colibri/stats" })
    $started = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() * 1000000
    $result = Invoke-Captured (@($Runner) + @($Binary, '--config', $Config, '--once', '--urls', ($urls -join ',')))
    $ended = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() * 1000000
    $stderr = @($result.Stderr -split "`n" | Where-Object { $_ })
    $stderr | ForEach-Object { Write-Host "stderr: $_" }
    if ($result.ExitCode -ne 0 -or @($stderr | Where-Object { $_ -notmatch '^[EWID]! ' }).Count -gt 0) {
        throw "$TargetRid --once exited $($result.ExitCode); stderr:`n$($result.Stderr)"
    }

    $lines = @($result.Stdout -split "`n" | Where-Object { $_ })
    if (-not $result.Stdout.EndsWith("`n") -or $lines.Count -ne $Golden.Count) {
        throw "$TargetRid --once wrote $($lines.Count) line(s) for $($Golden.Count) JVBs:`n$($result.Stdout)"
    }

    foreach ($line in $lines) {
        # The golden lines name http://127.0.0.1:8080/colibri/stats and a fixed timestamp; this one the stand-in and now.
        $match = [regex]::Match($line, '^jitsi_stats,url=http://127\.0\.0\.1:\d+/(?<name>[^/]+)/colibri/stats (?<rest>.*) (?<time>\d+)$')
        if (-not $match.Success -or -not $Golden.ContainsKey($match.Groups['name'].Value)) {
            throw "$TargetRid --once wrote an unexpected line: $line"
        }

        $name = $match.Groups['name'].Value
        $expected = [regex]::Match((Get-Content -Raw $Golden[$name]), '^jitsi_stats,url=\S+ (?<rest>.*) \d+\n$').Groups['rest'].Value
        $time = [long]$match.Groups['time'].Value
        if ($match.Groups['rest'].Value -cne $expected -or $time -lt $started -or $time -gt $ended) {
            throw "$TargetRid --once line for $name differs from tests/testdata/golden/$name.out (or its timestamp $time is outside the run):`n$line"
        }

        Write-Host ("--once: {0}... ({1} bytes, fields as golden/{2}.out)" -f $line.Substring(0, [math]::Min(110, $line.Length)), $line.Length, $name)
    }
}

# The .deb and .rpm: one layout, from plugin/packaging. Telegraf's drop-in names the packaged binary; it is
# telegraf-sample.conf with the path changed, derived here so the two never drift.
$Packaging = Join-Path $Root 'plugin/packaging'
$PackagedBinary = '/usr/bin/execd-jvb'
$PackagedFiles = @(
    '/usr/bin/execd-jvb'
    '/etc/telegraf/execd-jvb.json'
    '/etc/telegraf/telegraf.d/execd-jvb.conf'
    '/usr/share/doc/execd-jvb/README.md'
    '/usr/share/doc/execd-jvb/copyright'
    '/usr/share/doc/execd-jvb/jitsi-stats-dashboard.json'
    '/usr/share/doc/execd-jvb/jitsi-stats-dashboard.md'
    '/usr/share/man/man1/execd-jvb.1.gz'
)
$PackagedConfigFiles = @('/etc/telegraf/execd-jvb.json', '/etc/telegraf/telegraf.d/execd-jvb.conf')

function Get-PackageVersion([string] $Version) {
    # 0.2.0-rc.1 is 0.2.0~rc.1 in both formats: it sorts before 0.2.0, and a .deb's version has no revision.
    return $Version.Replace('-', '~')
}

function ConvertTo-PackagedText([string] $Text, [string] $Source, [int] $Minimum) {
    # The tarball's files name /usr/local/bin/execd-jvb, where its README installs the binary.
    $shipped = '/usr/local/bin/execd-jvb'
    $count = ([regex]::Matches($Text, [regex]::Escape($shipped))).Count
    if ($count -lt $Minimum) {
        throw "$Source names $shipped $count time(s); the packages change that path to $PackagedBinary"
    }

    return $Text.Replace($shipped, $PackagedBinary)
}

function New-PackageRoot([string] $Binary, [string] $Version, [string[]] $Runner, [string] $Folder) {
    # The files both packages install, laid out under $Folder as under /, with their installed modes.
    Remove-Item -Recurse -Force $Folder -ErrorAction SilentlyContinue
    $doc = Join-Path $Folder 'usr/share/doc/execd-jvb'
    foreach ($directory in 'usr/bin', 'etc/telegraf/telegraf.d', 'usr/share/doc/execd-jvb', 'usr/share/man/man1') {
        New-Item -ItemType Directory -Force -Path (Join-Path $Folder $directory) | Out-Null
    }

    Copy-Item -LiteralPath $Binary -Destination (Join-Path $Folder 'usr/bin/execd-jvb')
    $sample = [System.IO.File]::ReadAllText((Join-Path $Root 'telegraf-sample.conf'))
    [System.IO.File]::WriteAllText((Join-Path $Folder 'etc/telegraf/telegraf.d/execd-jvb.conf'), (ConvertTo-PackagedText $sample 'telegraf-sample.conf' 1))
    $example = [System.IO.File]::ReadAllText((Join-Path $Root 'plugin/execd-jvb.example.json'))
    [System.IO.File]::WriteAllText((Join-Path $Folder 'etc/telegraf/execd-jvb.json'), (ConvertTo-PackagedText $example 'plugin/execd-jvb.example.json' 0))
    Copy-Item -LiteralPath (Join-Path $Root 'README.md') -Destination (Join-Path $doc 'README.md')
    Copy-Item -LiteralPath (Join-Path $Root 'LICENSE') -Destination (Join-Path $doc 'copyright')
    Copy-Item -LiteralPath (Join-Path $Root 'plugin/grafana/jitsi-stats-dashboard.json') -Destination (Join-Path $doc 'jitsi-stats-dashboard.json')
    Copy-Item -LiteralPath (Join-Path $Root 'plugin/grafana/README.md') -Destination (Join-Path $doc 'jitsi-stats-dashboard.md')

    # man execd-jvb: the binary's own --help, so the page says what that binary does.
    $help = Invoke-Captured (@($Runner) + @($Binary, '--help'))
    if ($help.ExitCode -ne 0 -or -not $help.Stdout.StartsWith("execd-jvb $Version ")) {
        throw "$Binary --help exited $($help.ExitCode) and printed '$($help.Stdout)': no man page from that"
    }

    $date = [DateTimeOffset]::FromUnixTimeSeconds([long](Get-ReleaseEpoch)).ToString('yyyy-MM-dd')
    $body = ($help.Stdout.TrimEnd("`n") -split "`n" | ForEach-Object { $_.Replace('\', '\e') -replace "^([.'])", '\&$1' }) -join "`n"
    $page = Join-Path $Folder 'usr/share/man/man1/execd-jvb.1'
    $roff = @(
        ".TH EXECD-JVB 1 $date `"execd-jvb $Version`" `"User Commands`""
        '.SH NAME'
        "execd-jvb \- Jitsi statistics for Telegraf's inputs.execd"
        '.SH DESCRIPTION'
        '.nf'
        $body
        '.fi'
        '.SH FILES'
        '.nf'
        "$PackagedBinary, /etc/telegraf/execd-jvb.json, /etc/telegraf/telegraf.d/execd-jvb.conf"
        '.fi'
        '.SH SEE ALSO'
        '/usr/share/doc/execd-jvb/README.md'
    ) -join "`n"
    [System.IO.File]::WriteAllText($page, "$roff`n")
    & gzip -9n $page

    & find $Folder -type d -exec chmod 0755 '{}' +
    & find $Folder -type f -exec chmod 0644 '{}' +
    & chmod 0755 (Join-Path $Folder 'usr/bin/execd-jvb')
    $laid = @(& find $Folder -type f -printf '/%P\n' | Sort-Object)
    if (Compare-Object ($PackagedFiles | Sort-Object) $laid) {
        throw "the package root $Folder holds`n$($laid -join "`n")`nexpected`n$($PackagedFiles -join "`n")"
    }
}

function New-DebPackage([string] $Binary, [string] $Version, [string] $DebArch, [string[]] $Runner, [string] $Work, [string] $Destination) {
    $packageVersion = Get-PackageVersion $Version
    $folder = Join-Path $Work "deb/$DebArch"
    New-PackageRoot -Binary $Binary -Version $Version -Runner $Runner -Folder $folder
    $control = [System.IO.File]::ReadAllText((Join-Path $Packaging 'deb/control'))
    $maintainer = [regex]::Match($control, '(?m)^Maintainer: (?<who>.+)$').Groups['who'].Value

    # A Debian package's changelog: this release's one entry, dated by the last commit.
    $date = [DateTimeOffset]::FromUnixTimeSeconds([long](Get-ReleaseEpoch)).ToString('ddd, dd MMM yyyy HH:mm:ss +0000', [cultureinfo]::InvariantCulture)
    $changelog = Join-Path $folder 'usr/share/doc/execd-jvb/changelog'
    [System.IO.File]::WriteAllText($changelog, "execd-jvb ($packageVersion) stable; urgency=medium`n`n  * Release $Version.`n`n -- $maintainer  $date`n")
    & gzip -9n $changelog
    & chmod 0644 "$changelog.gz"

    $size = "$(& du -sk $folder)".Split("`t")[0]
    $meta = Join-Path $folder 'DEBIAN'
    New-Item -ItemType Directory -Force -Path $meta | Out-Null
    $control = $control.Replace('@VERSION@', $packageVersion).Replace('@ARCH@', $DebArch).Replace('@INSTALLED_SIZE@', $size)
    [System.IO.File]::WriteAllText((Join-Path $meta 'control'), $control)
    Copy-Item -LiteralPath (Join-Path $Packaging 'deb/conffiles') -Destination (Join-Path $meta 'conffiles')
    Copy-Item -LiteralPath (Join-Path $Packaging 'postinst') -Destination (Join-Path $meta 'postinst')
    Push-Location $folder
    try {
        $files = @(& find usr etc -type f | Sort-Object)
        [System.IO.File]::WriteAllText((Join-Path $meta 'md5sums'), ((& md5sum @files) -join "`n") + "`n")
    }
    finally {
        Pop-Location
    }

    & chmod 0644 (Join-Path $meta 'control') (Join-Path $meta 'conffiles') (Join-Path $meta 'md5sums')
    & chmod 0755 $meta (Join-Path $meta 'postinst')
    $deb = Join-Path $Destination "execd-jvb_${packageVersion}_$DebArch.deb"
    $env:SOURCE_DATE_EPOCH = Get-ReleaseEpoch
    try {
        & dpkg-deb --root-owner-group -Zxz --build $folder $deb | Write-Host
    }
    finally {
        Remove-Item Env:SOURCE_DATE_EPOCH
    }

    return Get-Item $deb
}

function New-RpmPackage([string] $Binary, [string] $Version, [string] $RpmArch, [string[]] $Runner, [string] $Work, [string] $Destination) {
    $packageVersion = Get-PackageVersion $Version
    $folder = Join-Path $Work "rpm/$RpmArch"
    New-PackageRoot -Binary $Binary -Version $Version -Runner $Runner -Folder $folder

    # One postinst for both packages: the spec's %post is plugin/packaging/postinst as it is.
    $spec = [System.IO.File]::ReadAllText((Join-Path $Packaging 'rpm/execd-jvb.spec'))
    $spec = $spec.Replace('@POSTINST@', [System.IO.File]::ReadAllText((Join-Path $Packaging 'postinst')).TrimEnd("`n"))
    $specFile = Join-Path $Work "rpm/execd-jvb-$RpmArch.spec"
    [System.IO.File]::WriteAllText($specFile, $spec)
    $env:SOURCE_DATE_EPOCH = Get-ReleaseEpoch
    try {
        & rpmbuild -bb --quiet --target $RpmArch --define "_topdir $(Join-Path $Work 'rpm/top')" --define "_rpmdir $Destination" `
            --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' --define "pkg_version $packageVersion" `
            --define "pkg_root $folder" --define 'use_source_date_epoch_as_buildtime 1' --define 'clamp_mtime_to_source_epoch 1' `
            --define '_buildhost reproducible' $specFile | Write-Host
    }
    finally {
        Remove-Item Env:SOURCE_DATE_EPOCH
    }

    return Get-Item (Join-Path $Destination "execd-jvb-$packageVersion-1.$RpmArch.rpm")
}

function Test-DebLintian([System.IO.FileInfo[]] $Debs) {
    Write-Step "lintian $($Debs.Name -join ' ')"
    $PSNativeCommandUseErrorActionPreference = $false
    # Lintian warns about running as root, which the release does for apt-get and dpkg; it reads the files only.
    $output = @(& lintian --display-info --fail-on error,warning @($Debs.FullName) 2>&1 | ForEach-Object { "$_" } |
        Where-Object { $_ -ne 'running with root privileges is not recommended!' })
    $exit = $LASTEXITCODE
    $PSNativeCommandUseErrorActionPreference = $true
    $output | ForEach-Object { Write-Host "lintian: $_" }
    $bad = @($output | Where-Object { $_ -match '^[EW]: ' })
    if ($exit -ne 0 -or $bad.Count -gt 0) {
        throw "lintian found $($bad.Count) error(s) or warning(s) (exit $exit)"
    }
}

function Get-DebStatus {
    $PSNativeCommandUseErrorActionPreference = $false
    $status = & dpkg-query -W -f '${db:Status-Status}' execd-jvb 2>$null
    $global:LASTEXITCODE = 0
    return $status ? "$status" : 'not-installed'
}

function Invoke-Dpkg([string[]] $Arguments) {
    $result = Invoke-Captured (@('dpkg') + $Arguments)
    @($result.Stdout -split "`n") + @($result.Stderr -split "`n") | Where-Object { $_ } | ForEach-Object { Write-Host "dpkg: $_" }
    if ($result.ExitCode -ne 0) {
        throw "dpkg $($Arguments -join ' ') exited $($result.ExitCode)"
    }
}

function Test-DebInstall([System.IO.FileInfo] $Deb, [string] $Version, [int] $Port, [hashtable] $Golden) {
    Write-Step "install, reinstall, remove and purge $($Deb.Name) on this machine"
    # This machine's own execd-jvb is never touched: an installed package or a file at a packaged path stops here.
    $status = Get-DebStatus
    if ($status -ne 'not-installed') {
        throw "execd-jvb is already a package on this machine (dpkg status '$status'): the release's install check would replace it; remove it (dpkg -P execd-jvb) or build the release elsewhere"
    }

    $present = @($PackagedFiles | Where-Object { Test-Path -LiteralPath $_ })
    if ($present.Count -gt 0) {
        throw "$($present -join ', ') already exist(s) on this machine: the release's install check would replace and then purge them; move them away or build the release elsewhere"
    }

    $hadTelegrafFolder = Test-Path /etc/telegraf
    $json = '/etc/telegraf/execd-jvb.json'
    $dropIn = '/etc/telegraf/telegraf.d/execd-jvb.conf'
    try {
        Invoke-Dpkg @('-i', $Deb.FullName)
        $missing = @($PackagedFiles | Where-Object { -not (Test-Path -LiteralPath $_) })
        if ((Get-DebStatus) -ne 'installed' -or $missing.Count -gt 0) {
            throw "after dpkg -i the status is '$(Get-DebStatus)' and $($missing -join ', ') is missing"
        }

        $conffiles = @(& dpkg-query -W -f '${Conffiles}\n' execd-jvb | Where-Object { $_.Trim() } | ForEach-Object { $_.Trim().Split(' ')[0] })
        if (Compare-Object $PackagedConfigFiles $conffiles) {
            throw "dpkg lists the conffiles $($conffiles -join ', '); expected $($PackagedConfigFiles -join ', ')"
        }

        $command = "  command = [`"$PackagedBinary`", `"--config`", `"$json`"]"
        if (-not (Get-Content $dropIn).Contains($command)) {
            throw "$dropIn has no line '$command'"
        }

        Write-Host "installed: $PackagedBinary, $json and $dropIn ($command)"
        Test-ReleaseBinary -Binary $PackagedBinary -TargetRid "$($Deb.Name) installed" -Runner @() -Version $Version -Config $json -Port $Port -Golden $Golden

        # An operator's edit survives a reinstall and a remove; purge deletes it.
        $edit = '// edited on this machine'
        [System.IO.File]::WriteAllText($json, "$edit`n" + [System.IO.File]::ReadAllText($json))
        Invoke-Dpkg @('-i', $Deb.FullName)
        if (-not (Get-Content $json -TotalCount 1).Equals($edit)) {
            throw "reinstalling $($Deb.Name) did not keep the edit of $json"
        }

        Invoke-Dpkg @('-r', 'execd-jvb')
        if ((Get-DebStatus) -ne 'config-files' -or (Test-Path $PackagedBinary) -or -not (Test-Path $dropIn) -or -not (Get-Content $json -TotalCount 1).Equals($edit)) {
            throw "after dpkg -r the status is '$(Get-DebStatus)'; expected the binary gone and both configuration files kept, $json with its edit"
        }

        Write-Host "dpkg -r: $PackagedBinary gone, $json (edited) and $dropIn kept"
        Invoke-Dpkg @('-P', 'execd-jvb')
        $left = @($PackagedFiles + '/usr/share/doc/execd-jvb' | Where-Object { Test-Path -LiteralPath $_ })
        if ((Get-DebStatus) -ne 'not-installed' -or $left.Count -gt 0 -or ((Test-Path /etc/telegraf) -ne $hadTelegrafFolder)) {
            throw "after dpkg -P the status is '$(Get-DebStatus)', $($left -join ', ') left, /etc/telegraf there: $(Test-Path /etc/telegraf) (before: $hadTelegrafFolder)"
        }

        Write-Host "dpkg -P: every file gone, both configuration files too; /etc/telegraf as before (there: $hadTelegrafFolder)"
    }
    finally {
        # A failed check leaves nothing behind either: the package was not here before.
        if ((Get-DebStatus) -ne 'not-installed') {
            $PSNativeCommandUseErrorActionPreference = $false
            & dpkg -P execd-jvb
            $global:LASTEXITCODE = 0
        }
    }
}

function Test-RpmPackage([System.IO.FileInfo] $Rpm, [string] $Version, [string] $RpmArch, [string] $Work) {
    Write-Step "rpm -qp $($Rpm.Name)"
    $packageVersion = Get-PackageVersion $Version
    $query = { param([string[]] $Arguments) @(& rpm -qp @Arguments $Rpm.FullName | ForEach-Object { "$_" }) }
    $nvra = & $query '--queryformat', '%{NAME} %{VERSION} %{RELEASE} %{ARCH}\n'
    $requires = & $query '--requires'
    $suggests = & $query '--suggests'
    $list = & $query '--list'
    $config = & $query '--configfiles'
    $scripts = & $query '--scripts'
    & $query '--info' | Where-Object { $_ -match '^(Name|Version|Release|Architecture|Size|License|Summary) ' } | ForEach-Object { Write-Host "rpm --info: $_" }
    Write-Host "rpm --requires: $($requires -join ', '); --suggests: $($suggests -join ', ')"
    Write-Host "rpm --configfiles: $($config -join ', ')"
    Write-Host "rpm --scripts: $($scripts[0]) ($($scripts.Count) lines)"
    $directories = @('/etc/telegraf', '/etc/telegraf/telegraf.d', '/usr/share/doc/execd-jvb')
    $problems = @(
        if ("$nvra" -cne "execd-jvb $packageVersion 1 $RpmArch") { "name, version, release, arch are '$nvra'" }
        if ($requires -notcontains 'glibc >= 2.34' -or $requires -notcontains "glibc >= $ReleaseGlibcMax") { "requires $($requires -join ', '), not glibc >= $ReleaseGlibcMax" }
        if ($suggests -notcontains 'telegraf') { "suggests $($suggests -join ', '), not telegraf" }
        if (Compare-Object (@($PackagedFiles) + $directories | Sort-Object) ($list | Sort-Object)) { "lists $($list -join ', ')" }
        if (Compare-Object $PackagedConfigFiles $config) { "marks $($config -join ', ') as configuration" }
        if ($scripts[0] -ne 'postinstall scriptlet (using /bin/sh):' -or -not ($scripts -match 'usermod -aG docker telegraf')) { 'has no %post that names usermod -aG docker telegraf' }
    )
    if ($problems.Count -gt 0) {
        throw "$($Rpm.Name): $($problems -join '; ')"
    }

    # Into an empty root, without dependencies (it has no glibc) and without %post (it has no /bin/sh to run it);
    # Debian's rpm says it would rather have alien do this, and does it.
    $scratch = Join-Path $Work "rpm/root-$RpmArch"
    Remove-Item -Recurse -Force $scratch -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path $scratch | Out-Null
    $result = Invoke-Captured @('rpm', '-i', '--root', $scratch, '--nodeps', '--noscripts', '--ignorearch', $Rpm.FullName)
    $result.Stderr -split "`n" | Where-Object { $_ } | ForEach-Object { Write-Host "rpm -i: $_" }
    if ($result.ExitCode -ne 0) {
        throw "rpm -i --root $scratch $($Rpm.Name) exited $($result.ExitCode): $($result.Stderr)"
    }

    $expected = @(@($PackagedFiles | ForEach-Object { ($_ -eq $PackagedBinary ? '755' : '644') + " root:root $_" }) + @($directories | ForEach-Object { "755 root:root $_" }))
    $modes = @($PackagedFiles + $directories | ForEach-Object { "$(& stat -c '%a %U:%G' (Join-Path $scratch $_)) $_" })
    if (Compare-Object $expected $modes) {
        throw "rpm -i --root put into $scratch`n$($modes -join "`n")`nexpected`n$($expected -join "`n")"
    }

    Write-Host "rpm -i --root: $($PackagedFiles.Count) files with their modes, $(& rpm --root $scratch -q execd-jvb)"
    Remove-Item -Recurse -Force $scratch
}

function Invoke-Release {
    if ((Get-HostRid) -ne 'linux-x64') {
        throw 'release builds on an x64 Linux host: linux-arm64 is cross-compiled from there with Debian''s arm64 cross packages'
    }

    Install-Prerequisites -ReleaseOnly
    $version = Get-PluginVersion
    $release = Join-Path $Artifacts 'release'
    Write-Step "release execd-jvb $version into $release"
    $clock = [System.Diagnostics.Stopwatch]::StartNew()
    # A release always starts from nothing, so every AOT warning is printed again, none cached away.
    Remove-Item -Recurse -Force $release -ErrorAction SilentlyContinue
    $work = Join-Path $release 'work'
    $archives = [ordered]@{}
    $debs = [ordered]@{}
    $rpms = [ordered]@{}
    foreach ($rid in $ReleaseTargets.Keys) {
        $target = $ReleaseTargets[$rid]
        $binary = Invoke-AotPublish -TargetRid $rid -Output (Join-Path $work "publish/$rid") -BuildRoot (Join-Path $work 'build') -Properties $target.Properties
        Assert-GlibcVersions -Binary $binary -TargetRid $rid -Objdump $target.Objdump
        $archives[$rid] = New-ReleaseArchive -Binary $binary -Name "execd-jvb-$version-$rid" -Stage (Join-Path $work 'stage') -Destination $release
        Write-Step "packages of the $rid binary: .deb ($($target.DebArch)) and .rpm ($($target.RpmArch))"
        $debs[$rid] = New-DebPackage -Binary $binary -Version $version -DebArch $target.DebArch -Runner $target.Runner -Work $work -Destination $release
        $rpms[$rid] = New-RpmPackage -Binary $binary -Version $version -RpmArch $target.RpmArch -Runner $target.Runner -Work $work -Destination $release
    }

    # sha256sum's own format, checked with sha256sum -c as an operator would.
    $sums = Join-Path $release 'SHA256SUMS'
    $text = (@($archives.Values) + @($debs.Values) + @($rpms.Values) | ForEach-Object { "$((Get-FileHash -Algorithm SHA256 -LiteralPath $_.FullName).Hash.ToLowerInvariant())  $($_.Name)`n" }) -join ''
    [System.IO.File]::WriteAllText($sums, $text)
    Push-Location $release
    try {
        & sha256sum -c SHA256SUMS
    }
    finally {
        Pop-Location
    }

    # Each packed binary, unpacked as an operator would, against one JVB stand-in serving every fixture.
    $golden = @{}
    Get-ChildItem (Join-Path $Root 'tests/testdata/golden') -Filter *.out | ForEach-Object { $golden[$_.BaseName] = $_.FullName }
    $documents = @{}
    $golden.Keys | ForEach-Object { $documents[$_] = Join-Path $Root "tests/testdata/jvb/$_.json" }
    $standIn = Start-JvbStandIn -Folder (Join-Path $work 'jvb') -Documents $documents
    try {
        foreach ($rid in $archives.Keys) {
            $unpacked = Join-Path $work "check/$rid"
            New-Item -ItemType Directory -Force -Path $unpacked | Out-Null
            & tar -xzf $archives[$rid].FullName -C $unpacked
            $folder = Join-Path $unpacked "execd-jvb-$version-$rid"
            Test-ReleaseBinary -Binary (Join-Path $folder 'execd-jvb') -TargetRid $rid -Runner $ReleaseTargets[$rid].Runner -Version $version `
                -Config (Join-Path $folder 'execd-jvb.example.json') -Port $standIn.Port -Golden $golden
        }

        # The packages: lintian on each .deb, the host's .deb installed here, each .rpm read back and unpacked.
        Test-DebLintian -Debs @($debs.Values)
        Test-DebInstall -Deb $debs['linux-x64'] -Version $version -Port $standIn.Port -Golden $golden
        foreach ($rid in $rpms.Keys) {
            Test-RpmPackage -Rpm $rpms[$rid] -Version $version -RpmArch $ReleaseTargets[$rid].RpmArch -Work $work
        }
    }
    finally {
        $standIn.Process.Kill()
        $standIn.Process.Dispose()
    }

    Write-Step "release $version done in $([math]::Round($clock.Elapsed.TotalSeconds)) s: $release"
    foreach ($rid in $archives.Keys) {
        $binary = Join-Path $work "publish/$rid/execd-jvb"
        Write-Host ("{0}  {1:N1} MB (binary {2:N1} MB)" -f $archives[$rid].Name, ($archives[$rid].Length / 1MB), ((Get-Item $binary).Length / 1MB))
        & tar -tvzf $archives[$rid].FullName | Write-Host
    }

    foreach ($package in @($debs.Values) + @($rpms.Values)) {
        Write-Host ("{0}  {1:N1} MB" -f $package.Name, ($package.Length / 1MB))
    }

    Get-Content $sums | Write-Host

    # The intermediate build of two AOT targets is large and worthless once the archives are checked.
    Remove-Item -Recurse -Force (Join-Path $work 'build') -ErrorAction SilentlyContinue
}

switch ($Task) {
    'build' { Invoke-Build }
    'publish' { $null = Invoke-Publish }
    'test' { Invoke-Test }
    'fuzz' { Invoke-Fuzz }
    'bench' { Invoke-Bench }
    'release' { Invoke-Release }
}
