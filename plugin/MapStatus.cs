namespace ExecdJvb;

internal enum MapStatus
{
    Written,
    NotJson,
    NotObject,
    NoNumbers,
}
