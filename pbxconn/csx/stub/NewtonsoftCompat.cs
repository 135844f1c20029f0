// Members of Newtonsoft.Json that the service's (newer) Newtonsoft.Json has and Debian's
// Newtonsoft.Json 6 lacks, added as extension methods so scripts using them compile and run
// locally with the same meaning. Only public API documented by Newtonsoft.Json is mirrored.

namespace Newtonsoft.Json.Linq
{
    public static class PbxconnNewtonsoftCompat
    {
        // JObject.ContainsKey(string) (public since Newtonsoft.Json 11; explicit before).
        public static bool ContainsKey(this JObject value, string propertyName)
        {
            return value != null && value.Property(propertyName) != null;
        }
    }
}
