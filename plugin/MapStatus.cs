namespace ExecdJvb;

public enum MapStatus
{
    Written,
    NotJson,
    NotObject,
    NoNumbers,
}
