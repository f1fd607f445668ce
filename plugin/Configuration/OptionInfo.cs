namespace ExecdJvb.Configuration;

/// <summary>One configuration key as --help and the README describe it.</summary>
internal sealed record OptionInfo(string Key, string Default, string Description)
{
    public string EnvironmentVariable => OptionCatalog.EnvironmentPrefix + Key.ToUpperInvariant();
}
