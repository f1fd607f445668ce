using System.Diagnostics;
using System.Runtime.Versioning;

namespace ExecdJvb.Tests.Integration;

/// <summary>
/// The test command's prerequisite step (tests/Prerequisites.ps1, as build.ps1 dot-sources it) run by the repository's
/// PowerShell with a PATH of stand-ins only: apt-get, whose install runs each package's postinst as Debian's do
/// (<c>invoke-rc.d &lt;service&gt; start</c>); invoke-rc.d, which asks policy-rc.d first as Debian's does and records a
/// service it starts; systemctl as on a machine where systemd runs, where it is installed but systemd is not PID 1, or
/// absent; and id. Nothing of the machine is used or changed: policy-rc.d is a file in a temp folder.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PrerequisitesTests
{
    public enum Machine
    {
        SystemdRunning,
        SystemdOffline,
        NoSystemctl,
    }

    private const string Offline = "System has not been booted with systemd as init system (PID 1). Can't operate.";
    private const string MachinePolicy = "#!/bin/sh\n# the machine's own: no services in this container\nexit 101\n";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    public static TheoryData<Machine> Machines() => [Machine.SystemdRunning, Machine.SystemdOffline, Machine.NoSystemctl];

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task Missing_packages_are_installed_after_apt_get_update_and_none_of_their_services_starts(Machine machine)
    {
        using var standIns = new StandIns(machine);

        (int exit, string output) = await standIns.InstallAsync();

        Assert.True(exit == 0, output);
        Assert.Equal(["update -q", "install -y -q --no-install-recommends influxdb prosody"], standIns.Log("apt-get"));
        Assert.Equal(["influxdb start: denied", "prosody start: denied"], standIns.Log("invoke-rc.d"));
        Assert.Empty(standIns.Log("started"));
        Assert.Empty(standIns.Log("systemctl"));
        Assert.False(File.Exists(standIns.PolicyRc), "the temporary policy-rc.d is still there");
        Assert.True(File.Exists(standIns.Command("influxd")) && File.Exists(standIns.Command("prosody")));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task A_policy_rc_d_the_machine_had_decides_and_is_left_exactly_as_it_was(Machine machine)
    {
        using var standIns = new StandIns(machine);
        File.WriteAllText(standIns.PolicyRc, MachinePolicy);
        File.SetUnixFileMode(standIns.PolicyRc, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var written = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(standIns.PolicyRc, written);

        (int exit, string output) = await standIns.InstallAsync();

        Assert.True(exit == 0, output);
        Assert.Equal(["update -q", "install -y -q --no-install-recommends influxdb prosody"], standIns.Log("apt-get"));
        Assert.Equal(["influxdb start: denied", "prosody start: denied"], standIns.Log("invoke-rc.d"));
        Assert.Empty(standIns.Log("started"));
        Assert.Empty(standIns.Log("systemctl"));
        Assert.True(File.Exists(standIns.PolicyRc), "the machine's policy-rc.d is gone");
        Assert.Equal(MachinePolicy, File.ReadAllText(standIns.PolicyRc));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(standIns.PolicyRc));
        Assert.Equal(written, File.GetLastWriteTimeUtc(standIns.PolicyRc));
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task A_package_that_was_installed_before_is_not_given_to_apt_get_and_its_service_is_not_touched(Machine machine)
    {
        using var standIns = new StandIns(machine);
        standIns.Installed("prosody");

        (int exit, string output) = await standIns.InstallAsync();

        Assert.True(exit == 0, output);
        Assert.Equal(["update -q", "install -y -q --no-install-recommends influxdb"], standIns.Log("apt-get"));
        Assert.Equal(["influxdb start: denied"], standIns.Log("invoke-rc.d"));
        Assert.Empty(standIns.Log("started"));
        Assert.Empty(standIns.Log("systemctl"));
        Assert.False(File.Exists(standIns.PolicyRc), "the temporary policy-rc.d is still there");
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task When_every_package_is_there_apt_get_is_not_called_and_nothing_is_started_or_stopped(Machine machine)
    {
        using var standIns = new StandIns(machine);
        standIns.Installed("influxd");
        standIns.Installed("prosody");

        (int exit, string output) = await standIns.InstallAsync();

        Assert.True(exit == 0, output);
        Assert.Contains("prerequisites present: influxdb, prosody", output, StringComparison.Ordinal);
        Assert.Empty(standIns.Log("apt-get"));
        Assert.Empty(standIns.Log("invoke-rc.d"));
        Assert.Empty(standIns.Log("started"));
        Assert.Empty(standIns.Log("systemctl"));
        Assert.False(File.Exists(standIns.PolicyRc), "a policy-rc.d was left behind");
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public async Task When_apt_get_fails_the_step_fails_clearly_and_the_temporary_policy_rc_d_is_removed(Machine machine)
    {
        using var standIns = new StandIns(machine, aptGetInstallFails: true);

        (int exit, string output) = await standIns.InstallAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("apt-get could not install influxdb, prosody", output, StringComparison.Ordinal);
        Assert.Contains("install these Debian packages by hand", output, StringComparison.Ordinal);
        Assert.Equal(["update -q", "install -y -q --no-install-recommends influxdb prosody"], standIns.Log("apt-get"));
        Assert.Empty(standIns.Log("started"));
        Assert.Empty(standIns.Log("systemctl"));
        Assert.False(File.Exists(standIns.PolicyRc), "the temporary policy-rc.d is still there after apt-get failed");
    }

    [Fact]
    public async Task A_user_who_is_not_root_is_told_the_apt_get_command_and_nothing_is_installed()
    {
        using var standIns = new StandIns(Machine.SystemdOffline, root: false);

        (int exit, string output) = await standIns.InstallAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("missing Debian package(s) influxdb, prosody; run as root, or first: sudo apt-get update && sudo apt-get install -y influxdb prosody", output, StringComparison.Ordinal);
        Assert.Empty(standIns.Log("apt-get"));
        Assert.False(File.Exists(standIns.PolicyRc), "a policy-rc.d was written for nothing");
    }

    [Fact]
    public async Task A_machine_without_apt_get_is_told_which_packages_to_install_by_hand()
    {
        using var standIns = new StandIns(Machine.NoSystemctl);
        File.Delete(standIns.Command("apt-get"));

        (int exit, string output) = await standIns.InstallAsync();

        Assert.NotEqual(0, exit);
        Assert.Contains("missing influxdb, prosody and apt-get is not available: install them by hand", output, StringComparison.Ordinal);
        Assert.False(File.Exists(standIns.PolicyRc), "a policy-rc.d was written for nothing");
    }

    /// <summary>A temp folder with the stand-in commands (bin/), what they record (log/) and the policy-rc.d path.</summary>
    private sealed class StandIns : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("execd-jvb-prerequisites-").FullName;
        private readonly string _bin;
        private readonly string _log;

        public StandIns(Machine machine, bool aptGetInstallFails = false, bool root = true)
        {
            _bin = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
            _log = Directory.CreateDirectory(Path.Combine(_folder, "log")).FullName;
            PolicyRc = Path.Combine(_folder, "policy-rc.d");

            // Each stand-in finds the others first, then the machine's coreutils for its own work.
            string head = $"PATH='{_bin}':/usr/bin:/bin\nlog='{_log}'\n";
            Write("id", head + $"[ \"$1\" = -u ] && {{ echo {(root ? 0 : 1000)}; exit 0; }}\nexit 1");

            // A package's postinst starts its service through invoke-rc.d; a failing one fails the install (exit 100).
            Write("apt-get", head + $$"""
                echo "$*" >> "$log/apt-get"
                [ "$1" = install ] || exit 0
                {{(aptGetInstallFails ? "echo 'E: Unable to locate package influxdb' >&2; exit 100" : string.Empty)}}
                for package in "$@"; do
                  case "$package" in
                    influxdb) command=influxd ;;
                    prosody) command=prosody ;;
                    install|-*) continue ;;
                    *) echo "E: Unable to locate package $package" >&2; exit 100 ;;
                  esac
                  printf '#!/bin/sh\nexit 0\n' > "$PATH_BIN/$command" && chmod 755 "$PATH_BIN/$command"
                  invoke-rc.d "$package" start || exit 100
                done
                """.Replace("$PATH_BIN", _bin, StringComparison.Ordinal));

            // As Debian's: an executable policy-rc.d is asked first, and its 101 means the action is not taken.
            Write("invoke-rc.d", head + $$"""
                if [ -x '{{PolicyRc}}' ]; then
                  '{{PolicyRc}}' "$1" "$2"
                  if [ $? -eq 101 ]; then echo "$1 $2: denied" >> "$log/invoke-rc.d"; exit 0; fi
                fi
                echo "$1 $2: run" >> "$log/invoke-rc.d"
                echo "$1 $2" >> "$log/started"
                """);

            switch (machine)
            {
                case Machine.SystemdRunning:
                    Write("systemctl", head + "echo \"$*\" >> \"$log/systemctl\"\nexit 0");
                    break;
                case Machine.SystemdOffline:
                    Write("systemctl", head + $"echo \"$*\" >> \"$log/systemctl\"\necho \"{Offline}\" >&2\nexit 1");
                    break;
            }
        }

        public string PolicyRc { get; }

        public string Command(string name) => Path.Combine(_bin, name);

        /// <summary>A package's command as it is when the package was installed before the step.</summary>
        public void Installed(string command) => Write(command, "exit 0");

        public string[] Log(string name)
        {
            string path = Path.Combine(_log, name);
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }

        /// <summary>
        /// Runs Install-Prerequisites with build.ps1's preferences, a table of two packages whose commands the stand-in
        /// apt-get installs, and the policy-rc.d of this folder; returns its exit code and its output (stdout and stderr).
        /// </summary>
        public async Task<(int Exit, string Output)> InstallAsync()
        {
            string script = Path.Combine(_folder, "install.ps1");
            File.WriteAllText(script, $$"""
                Set-StrictMode -Version Latest
                $ErrorActionPreference = 'Stop'
                $PSNativeCommandUseErrorActionPreference = $true
                function Write-Step([string] $Message) { Write-Host "==> $Message" }
                . '{{Path.Combine(RepositoryPaths.Root, "tests", "Prerequisites.ps1")}}'
                $needed = [ordered]@{
                    'influxdb' = { Get-Command influxd -ErrorAction SilentlyContinue }
                    'prosody'  = { Get-Command prosody -ErrorAction SilentlyContinue }
                }
                try {
                    Install-Prerequisites -Needed $needed -PolicyRcPath '{{PolicyRc}}'
                }
                catch {
                    # The message whole on one line, not wrapped to a console's width.
                    [Console]::Error.WriteLine($_.Exception.Message)
                    exit 1
                }
                """);

            // Only the stand-ins: the machine's own apt-get, systemctl and invoke-rc.d are out of reach.
            ProcessResult result = await ExecdProcess.RunAsync(
                "dotnet",
                ["pwsh", "-NoProfile", "-NonInteractive", "-File", script],
                Deadline,
                new Dictionary<string, string> { ["PATH"] = _bin, ["NO_COLOR"] = "1" },
                RepositoryPaths.Root);
            return (result.ExitCode, result.Stdout + result.Stderr);
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private void Write(string name, string body)
        {
            string path = Path.Combine(_bin, name);
            File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
