# What the test and release tasks of build.ps1 need from Debian, and how they install it: functions only, dot-sourced
# by build.ps1 (which defines Write-Step).

function Test-Root {
    return ((& id -u) -eq '0')
}

# The Debian packages the tasks need, each with the check that says it is installed.
function Get-Prerequisites([switch] $ReleaseOnly) {
    # The release cross-compiles linux-arm64 with clang and lld against Debian's arm64 cross libraries
    # (llvm-objcopy strips it), reads glibc symbol versions with objdump and llvm-objdump, runs the arm64
    # binary under qemu-user, and serves the JVB fixtures with busybox httpd. It packs the .deb with dpkg-deb (dpkg)
    # and checks it with lintian, and builds the .rpm with Debian's rpm (rpmbuild).
    $needed = [ordered]@{
        # Tells the statically linked busybox (which the Docker image and the release copy) from a dynamic one.
        'file'                      = { Get-Command file -ErrorAction SilentlyContinue }
        'busybox-static'            = { (Test-Path /bin/busybox) -and (Get-Command file -ErrorAction SilentlyContinue) -and ((& file -L /bin/busybox 2>$null) -match 'statically linked') }
        'clang'                     = { Get-Command clang -ErrorAction SilentlyContinue }
        'lld'                       = { Get-Command ld.lld -ErrorAction SilentlyContinue }
        'llvm'                      = { (Get-Command llvm-objcopy -ErrorAction SilentlyContinue) -and (Get-Command llvm-objdump -ErrorAction SilentlyContinue) }
        'binutils'                  = { Get-Command objdump -ErrorAction SilentlyContinue }
        'libc6-dev-arm64-cross'     = { Test-Path /usr/aarch64-linux-gnu/lib/crt1.o }
        'libgcc-12-dev-arm64-cross' = { Test-Path /usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc.a }
        'qemu-user'                 = { Get-Command qemu-aarch64 -ErrorAction SilentlyContinue }
        'rpm'                       = { Get-Command rpmbuild -ErrorAction SilentlyContinue }
        'lintian'                   = { Get-Command lintian -ErrorAction SilentlyContinue }
    }
    if (-not $ReleaseOnly) {
        # The integration tests start their own dockerd, influxd, Prosody (a private instance with its own config on
        # 127.0.0.1, which a python3 XMPP client logs in to) and a busybox-based image.
        $needed.Insert(0, 'docker.io', { Get-Command dockerd -ErrorAction SilentlyContinue })
        $needed.Insert(1, 'influxdb', { Get-Command influxd -ErrorAction SilentlyContinue })
        $needed.Insert(2, 'prosody', { Get-Command prosody -ErrorAction SilentlyContinue })
        $needed.Insert(3, 'python3', { Get-Command python3 -ErrorAction SilentlyContinue })
        # The end-to-end benchmark, which the test task smoke-runs, builds its Go scraper with Debian's go.
        $needed.Insert(4, 'golang-go', { Get-Command go -ErrorAction SilentlyContinue })
    }

    return $needed
}

function Get-MissingPrerequisites([System.Collections.Specialized.OrderedDictionary] $Needed) {
    $Needed.Keys | Where-Object { -not (& $Needed[$_]) }
}

# Writes a policy-rc.d that forbids every action (exit 101, invoke-rc.d's "forbidden by policy") and returns $true,
# or returns $false where there is one already, which is then left as it is.
function New-DenyingPolicyRc([string] $Path) {
    if (Test-Path -LiteralPath $Path) {
        return $false
    }

    # CreateNew: one that appeared meanwhile is never overwritten.
    $options = [System.IO.FileStreamOptions]@{
        Mode           = [System.IO.FileMode]::CreateNew
        Access         = [System.IO.FileAccess]::Write
        UnixCreateMode = [System.IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute'
    }
    $stream = [System.IO.FileStream]::new($Path, $options)
    try {
        $text = [System.Text.Encoding]::ASCII.GetBytes("#!/bin/sh`n# No service starts while build.ps1 installs packages.`nexit 101`n")
        $stream.Write($text, 0, $text.Length)
    }
    catch {
        $stream.Dispose()
        Remove-Item -LiteralPath $Path -Force
        throw
    }

    $stream.Dispose()
    return $true
}

# Installs what is missing with apt-get, as root. Packages already installed are not given to apt-get, so a service
# that was there before is never touched. One installed here is not started: its maintainer scripts start services
# through invoke-rc.d or deb-systemd-invoke, and both ask policy-rc.d first, whether or not an init system runs. So,
# while apt-get runs, a policy-rc.d that forbids every action is in place, unless the machine has its own, which
# then decides and is left as it is.
function Install-Prerequisites {
    param(
        [switch] $ReleaseOnly,
        [System.Collections.Specialized.OrderedDictionary] $Needed = (Get-Prerequisites -ReleaseOnly:$ReleaseOnly),
        [string] $PolicyRcPath = '/usr/sbin/policy-rc.d'
    )

    $ErrorActionPreference = 'Stop'
    $PSNativeCommandUseErrorActionPreference = $true
    $missing = @(Get-MissingPrerequisites $Needed)
    if ($missing.Count -eq 0) {
        Write-Step "prerequisites present: $($Needed.Keys -join ', ')"
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
    $ownPolicy = New-DenyingPolicyRc $PolicyRcPath
    try {
        # A fresh machine has no package lists yet.
        & apt-get update -q
        & apt-get install -y -q --no-install-recommends @missing
    }
    catch {
        throw "apt-get could not install $($missing -join ', ') ($($_.Exception.Message)); install these Debian packages by hand and run again"
    }
    finally {
        if ($ownPolicy) {
            Remove-Item -LiteralPath $PolicyRcPath -Force
        }
    }

    $still = @(Get-MissingPrerequisites $Needed)
    if ($still.Count -gt 0) {
        throw "apt-get ran but $($still -join ', ') is still missing"
    }
}
