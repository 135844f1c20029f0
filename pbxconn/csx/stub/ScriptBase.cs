// The custom-code contract that Power Platform offers a connector's script.csx, written for
// local compilation from Microsoft's "Write code in a custom connector" page. The service hosts
// the real types; this file only has to give them the same shape.
//
// Documented members: ScriptBase.Context, ScriptBase.CancellationToken,
// ScriptBase.CreateJsonContent, ScriptBase.ExecuteAsync; IScriptContext.CorrelationId,
// OperationId, Request, Logger, SendAsync.
// Undocumented members that certified scripts rely on: IScriptContext.OriginalRequestUri (the
// connector-facing URL the platform called) and IScriptContext.CreateNotificationUri.
//
// The namespace is the one a few Microsoft-authored scripts import explicitly; pbxconn imports it
// implicitly for every script, as the service does.

using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Microsoft.PowerPlatform.Connectors.CustomCode.CSharp
{
    public abstract class ScriptBase
    {
        // The context of the operation being executed. Settable only by the local host.
        public IScriptContext Context { get; internal set; }

        // Signalled when the execution takes too long or is cancelled.
        public CancellationToken CancellationToken { get; internal set; }

        // Wraps serialized JSON in a StringContent with the application/json media type.
        public static StringContent CreateJsonContent(string serializedJson)
        {
            return new StringContent(serializedJson ?? string.Empty, Encoding.UTF8, "application/json");
        }

        // The script's entry point, called once per request routed to the script.
        public abstract Task<HttpResponseMessage> ExecuteAsync();
    }

    public interface IScriptContext
    {
        // Correlation id of the request.
        string CorrelationId { get; }

        // The operationId (from the connector's OpenAPI definition) being executed.
        string OperationId { get; }

        // The request on its way to the service; scripts may change it before SendAsync.
        HttpRequestMessage Request { get; }

        // Writes to the connector's code log.
        ILogger Logger { get; }

        // Sends a request to the service (instead of an own HttpClient).
        Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken);

        // Undocumented: the URL the platform called on the connector (not the service's URL).
        Uri OriginalRequestUri { get; }

        // Undocumented: a callback URL on the platform for the given path and query suffix.
        Uri CreateNotificationUri(string pathAndQuerySuffix);
    }
}
