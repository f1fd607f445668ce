using System.Runtime.InteropServices;

namespace ExecdJvb.Execd;

/// <summary>
/// stdin as the gather thread reads it, with read(2) and poll(2): blocking reads, a wait bounded by the next
/// poll_interval tick, and a wait for the writer to hang up. Console's stdin stream has no timed wait, and its async
/// read hands every newline to a pool thread that then has to wake another.
/// </summary>
internal sealed partial class DescriptorInput(int descriptor)
{
    private const int Interrupted = 4;

    public static DescriptorInput Standard { get; } = new(0);

    /// <summary>Blocks until there is something to read; returns how much was read, 0 at the end of the input.</summary>
    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            nint read = NativeRead(descriptor, buffer, buffer.Length);
            if (read >= 0)
            {
                return (int)read;
            }

            int error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw new IOException(Marshal.GetPInvokeErrorMessage(error), error);
            }
        }
    }

    /// <summary>
    /// True when a read will not block (input, its end, or an error the read reports); false when
    /// <paramref name="timeoutMilliseconds"/> passed first or a signal cut the wait short.
    /// </summary>
    public bool WaitReadable(int timeoutMilliseconds)
    {
        var request = new PollDescriptor { Descriptor = descriptor, Events = PollDescriptor.Readable };
        int ready = NativePoll(ref request, 1, timeoutMilliseconds);

        // A descriptor poll(2) cannot wait on is left to the read to report.
        return ready > 0 || (ready < 0 && Marshal.GetLastPInvokeError() != Interrupted);
    }

    /// <summary>
    /// Blocks until the writer has closed its end of the pipe or the descriptor has failed, and returns true; false
    /// when it cannot be watched. A terminal or a file never hangs up: for them this does not return.
    /// </summary>
    public bool WaitForHangUp()
    {
        while (true)
        {
            // With no events asked for, poll(2) reports only hang-up, error and an invalid descriptor: pending input
            // does not end the wait, so the newlines stay for the gather thread to read.
            var request = new PollDescriptor { Descriptor = descriptor };
            int ready = NativePoll(ref request, 1, -1);
            if (ready > 0)
            {
                return true;
            }

            if (ready < 0 && Marshal.GetLastPInvokeError() != Interrupted)
            {
                return false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint NativeRead(int descriptor, Span<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int NativePoll(ref PollDescriptor descriptors, nuint count, int timeoutMilliseconds);
}

/// <summary>struct pollfd, as poll(2) takes it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollDescriptor
{
    public const short Readable = 0x001;

    public int Descriptor;
    public short Events;
    public short ReturnedEvents;
}
