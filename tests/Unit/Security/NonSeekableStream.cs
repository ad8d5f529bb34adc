using System.Text;

namespace OrleansRecorder.Tests.Unit.Security;

/// <summary>A read-only stream of unknown length, so HttpClient sends it chunked (no Content-Length to refuse early).</summary>
internal sealed class NonSeekableStream(string text) : Stream
{
    private readonly MemoryStream _inner = new(Encoding.UTF8.GetBytes(text));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
