using System.Text;

namespace ExecdJvb.Tests;

public sealed class NameSetTests
{
    [Fact]
    public void Only_the_same_bytes_are_a_repeat()
    {
        var names = new NameSet();

        Assert.True(names.Add("a_b"u8));
        Assert.True(names.Add("a_c"u8));
        Assert.True(names.Add("a_b\\"u8));
        Assert.True(names.Add(""u8));
        Assert.False(names.Add("a_b"u8));
        Assert.False(names.Add(""u8));
        Assert.True(names.Add("A_B"u8));
    }

    [Fact]
    public void Thousands_of_distinct_names_are_all_kept_and_each_is_found_again()
    {
        // Far past the first arena and set sizes, with names that share long prefixes and differ in one byte.
        var names = new NameSet();
        string[] all = [.. Enumerable.Range(0, 20_000).Select(i => $"conferences_by_audio_senders_{i}_{new string('x', i % 50)}")];

        Assert.All(all, name => Assert.True(names.Add(Encoding.UTF8.GetBytes(name)), name));
        Assert.All(all, name => Assert.False(names.Add(Encoding.UTF8.GetBytes(name)), name));
    }

    [Fact]
    public void Clear_forgets_every_name_and_a_warm_set_allocates_nothing()
    {
        var names = new NameSet();
        byte[][] all = [.. Enumerable.Range(0, 200).Select(i => Encoding.UTF8.GetBytes($"total_bytes_received_{i}"))];
        AddAll();

        names.Clear();
        long before = GC.GetAllocatedBytesForCurrentThread();
        AddAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.False(names.Add(all[0]));

        void AddAll()
        {
            foreach (byte[] name in all)
            {
                Assert.True(names.Add(name));
            }
        }
    }
}
