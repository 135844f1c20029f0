// The part of Microsoft.Extensions.Logging that connector scripts call through Context.Logger:
// ILogger plus the LogTrace..LogCritical extension methods. Mono ships no such assembly, so the
// local host provides this small stand-in; messages go to the host's log.

using System;

namespace Microsoft.Extensions.Logging
{
    public enum LogLevel
    {
        Trace = 0,
        Debug = 1,
        Information = 2,
        Warning = 3,
        Error = 4,
        Critical = 5,
        None = 6,
    }

    public struct EventId
    {
        public EventId(int id, string name = null)
        {
            Id = id;
            Name = name;
        }

        public int Id { get; }
        public string Name { get; }

        public static implicit operator EventId(int id)
        {
            return new EventId(id);
        }
    }

    public interface ILogger
    {
        void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter);

        bool IsEnabled(LogLevel logLevel);

        IDisposable BeginScope<TState>(TState state);
    }

    public static class LoggerExtensions
    {
        private static void Write(ILogger logger, LogLevel level, Exception exception, string message, object[] args)
        {
            if (logger == null)
            {
                throw new ArgumentNullException(nameof(logger));
            }
            string text = message ?? string.Empty;
            if (args != null && args.Length > 0)
            {
                try
                {
                    text = string.Format(text, args);
                }
                catch (FormatException)
                {
                    // Structured templates ({Name}) are not positional; keep the template.
                }
            }
            logger.Log(level, new EventId(0), text, exception, (s, e) => s);
        }

        public static void LogTrace(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Trace, null, message, args); }
        public static void LogTrace(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Trace, exception, message, args); }
        public static void LogDebug(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Debug, null, message, args); }
        public static void LogDebug(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Debug, exception, message, args); }
        public static void LogInformation(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Information, null, message, args); }
        public static void LogInformation(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Information, exception, message, args); }
        public static void LogWarning(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Warning, null, message, args); }
        public static void LogWarning(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Warning, exception, message, args); }
        public static void LogError(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Error, null, message, args); }
        public static void LogError(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Error, exception, message, args); }
        public static void LogCritical(this ILogger logger, string message, params object[] args) { Write(logger, LogLevel.Critical, null, message, args); }
        public static void LogCritical(this ILogger logger, Exception exception, string message, params object[] args) { Write(logger, LogLevel.Critical, exception, message, args); }
    }
}
