using System.Text;
using ExecdJvb.Tests.Integration;

namespace ExecdJvb.Tests;

/// <summary>
/// Discovery against a stand-in Docker API on 127.0.0.1 (a tcp:// endpoint, as a docker-socket-proxy gives), whose
/// list and inspect answers the test sets: what is reused from one gather to the next, and what is asked again.
/// </summary>
public sealed class DockerTargetsTests
{
    private const string Id = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";

    [Fact]
    public async Task Each_gather_lists_the_containers_an_unchanged_answer_gives_the_same_targets_and_a_new_address_is_followed_without_a_word()
    {
        await using var docker = new JvbHttpServer(StubResponse.Json(List("jitsi/jvb:stable-9779", port: 8081, status: "Up 2 hours")));
        using DockerTargets targets = Targets(docker, out StringWriter stderr);

        ComponentTarget first = Assert.Single(targets.GetTargets(CancellationToken.None)!);
        ComponentTarget again = Assert.Single(targets.GetTargets(CancellationToken.None)!);
        docker.Response = StubResponse.Json(List("jitsi/jvb:stable-9779", port: 8082, status: "Up 2 hours"));
        ComponentTarget moved = Assert.Single(targets.GetTargets(CancellationToken.None)!);

        Assert.Equal("http://127.0.0.1:8081/colibri/stats", first.StatsUri.ToString());
        Assert.Same(first, again);
        Assert.Equal(Id, first.Instance);
        Assert.Equal("jitsi-jvb-1", first.Name);
        Assert.NotNull(first.Found);
        Assert.Equal("http://127.0.0.1:8082/colibri/stats", moved.StatsUri.ToString());
        Assert.Equal(3, docker.Requests);

        // Saying what was found, moved or went is the reader's, which keeps what is known of each JVB.
        Assert.Empty(Lines(stderr));
    }

    [Fact]
    public async Task A_container_whose_inspect_failed_is_inspected_again_though_the_list_answer_repeats()
    {
        // A tag moved to another image: the list names the image by ID, and only an inspect tells its name.
        await using var docker = new JvbHttpServer(StubResponse.Json(List("sha256:0123456789abcdef", port: 8081, status: "Up 2 hours")));
        string inspectPath = $"/containers/{Id}/json";
        docker.Route(inspectPath, new StubResponse(500, "Internal Server Error", """{"message":"busy"}"""u8.ToArray()));
        using DockerTargets targets = Targets(docker, out _);

        Assert.Empty(targets.GetTargets(CancellationToken.None)!);
        Assert.Empty(targets.GetTargets(CancellationToken.None)!);
        int failedInspects = docker.RequestsTo(inspectPath);
        docker.Route(inspectPath, StubResponse.Json($$$"""{"Id":"{{{Id}}}","Config":{"Image":"jitsi/jvb:stable-9779"}}"""));
        ComponentTarget found = Assert.Single(targets.GetTargets(CancellationToken.None)!);
        Assert.Single(targets.GetTargets(CancellationToken.None)!);

        Assert.Equal(2, failedInspects);
        Assert.Equal(3, docker.RequestsTo(inspectPath));
        Assert.Equal("http://127.0.0.1:8081/colibri/stats", found.StatsUri.ToString());
    }

    [Fact]
    public void A_Docker_socket_that_never_accepts_is_one_timeout_error_not_a_hang()
    {
        string folder = Directory.CreateTempSubdirectory("execd-jvb-").FullName;
        string path = Path.Combine(folder, "docker.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(0);
        var queued = new List<System.Net.Sockets.Socket>();
        try
        {
            // A backlog that is full, as of a daemon that hangs: a further connect waits.
            for (int i = 0; i < 4; i++)
            {
                var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified) { Blocking = false };
                queued.Add(client);
                try
                {
                    client.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
                }
                catch (System.Net.Sockets.SocketException)
                {
                    break;
                }
            }

            var stderr = new StringWriter();
            var log = new StderrLog(stderr, debug: false);
            using var targets = new DockerTargets(
                new Uri("unix://" + path),
                null,
                TimeSpan.FromMilliseconds(300),
                ContainerSelection.BuiltIn,
                new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"),
                log,
                new TargetStateLog(log));

            Assert.Null(targets.GetTargets(CancellationToken.None));
            Assert.Equal([$"E! Docker at unix://{path} did not answer within 300ms"], Lines(stderr));
        }
        finally
        {
            queued.ForEach(socket => socket.Dispose());
            Directory.Delete(folder, recursive: true);
        }
    }

    private static DockerTargets Targets(JvbHttpServer docker, out StringWriter stderr)
    {
        stderr = new StringWriter();
        var log = new StderrLog(stderr, debug: false);
        var selection = new ContainerSelection(
            [new("com.docker.compose.service", "jvb")],
            [new GlobPattern("jitsi/jvb")],
            [],
            []);
        return new DockerTargets(
            new Uri($"tcp://127.0.0.1:{docker.Port}"),
            null,
            TimeSpan.FromSeconds(5),
            selection,
            new AddressResolver(AddressMode.Auto, null, 8080, "/colibri/stats"),
            log,
            new TargetStateLog(log));
    }

    /// <summary>A GET /containers/json answer with one JVB in host network mode, as dockerd writes it.</summary>
    private static byte[] List(string image, int port, string status) => Encoding.UTF8.GetBytes($$$"""
        [{"Id":"{{{Id}}}","Names":["/jitsi-jvb-1"],"Image":"{{{image}}}","ImageID":"sha256:0123456789abcdef",
          "Command":"/init","Created":1732500000,"Ports":[],
          "Labels":{"com.docker.compose.project":"jitsi","com.docker.compose.service":"jvb","execd-jvb.port":"{{{port}}}"},
          "State":"running","Status":"{{{status}}}","HostConfig":{"NetworkMode":"host"},
          "NetworkSettings":{"Networks":{"host":{"IPAddress":""} } },"Mounts":[]}]
        """);

    /// <summary>The log lines without the "(how the address was chosen)" part, which AddressResolverTests cover.</summary>
    private static string[] Lines(StringWriter stderr) =>
        [.. stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split(" (")[0])];
}
