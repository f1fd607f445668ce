namespace ExecdJvb.Fuzz;

/// <summary>Thrown when a mapped line breaks a rule of the output, so the fuzzer records the input as a crash.</summary>
internal sealed class InvariantViolationException : Exception
{
    public InvariantViolationException(string message)
        : base(message)
    {
    }

    public InvariantViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
