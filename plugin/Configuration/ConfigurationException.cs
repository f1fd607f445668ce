namespace ExecdJvb.Configuration;

/// <summary>A configuration value that cannot be used; the message names the key and the form expected.</summary>
internal sealed class ConfigurationException(string message) : Exception(message)
{
}
