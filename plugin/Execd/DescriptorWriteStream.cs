using System.Runtime.InteropServices;

namespace ExecdJvb.Execd;

/// <summary>
/// Writes straight to a file descriptor with write(2). Console's stdout stream swallows EPIPE, and a FileStream
/// on a regular file writes with pwrite at its own offset, so `{ echo a; execd-jvb --once; echo b; } > file`
/// would overwrite; write(2) reports a closed pipe and moves the shared offset like any shell command.
/// </summary>
internal sealed partial class DescriptorWriteStream(int descriptor) : Stream
{
    private const int Interrupted = 4;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            nint written = NativeWrite(descriptor, buffer, buffer.Length);
            if (written < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                {
                    continue;
                }

                throw new IOException(Marshal.GetPInvokeErrorMessage(error), error);
            }

            buffer = buffer[(int)written..];
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint NativeWrite(int descriptor, ReadOnlySpan<byte> buffer, nint count);
}
