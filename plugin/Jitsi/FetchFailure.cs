namespace ExecdJvb.Jitsi;

/// <summary>Why a JVB gave no usable answer.</summary>
/// <param name="Cause">Stable while the failure is the same (kind and status), so it is logged once.</param>
/// <param name="Message">The reason as an operator should read it, without the target's name.</param>
internal sealed record FetchFailure(string Cause, string Message);
