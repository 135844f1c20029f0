// Custom code of the Example Cloud PBX connector (example-pbx), rendered by pbxconn from
// templates/script.csx.j2. Edit the template, not this file.
//
// Power Automate removes a webhook trigger by sending DELETE to the Location header of the
// registration response. The service answers a subscription with 201 and the subscription id in the
// body's "id" field, and no Location, so every deleted or edited flow used to leave its subscription
// behind until the client's event quota was used up. For the registration operations this
// script answers 201 Created with a Location that points, through the connector, at
// DeleteEventSubscription (/extension/{extension_id}/event/{id}) for the returned id, and keeps the
// service's body. Service errors and every other operation pass through unchanged.

using System;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

public class Script : ScriptBase
{
    // Subscriptions are posted to a path ending in this marker; deletion is
    // /extension/{extension_id}/event/{id} under the same connector URL.
    private const string WebhookPathPrefix = "/event/";
    private const string DeletePathBeforeId = "/event/";
    private const string DeletePathAfterId = "";

    public override async Task<HttpResponseMessage> ExecuteAsync()
    {
        switch (this.Context.OperationId)
        {
            case "WhenAnExtensionEventOccurs":
                return await this.RegisterWebhookAsync().ConfigureAwait(false);
            default:
                return await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        }
    }

    // Forwards the registration; on success answers 201 Created with the deletion Location.
    private async Task<HttpResponseMessage> RegisterWebhookAsync()
    {
        HttpResponseMessage response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode || response.Content == null)
        {
            return response;
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        response.Content = CopyContent(response.Content, body);

        string webhookId = WebhookIdFrom(body);
        Uri location = webhookId == null ? null : this.DeleteLocation(webhookId);
        if (location == null)
        {
            return response;
        }

        response.StatusCode = HttpStatusCode.Created;
        response.ReasonPhrase = "Created";
        response.Headers.Location = location;
        return response;
    }

    // The connector URL of the deletion operation: the called URL with its trailing
    // "/event/" replaced by the deletion path for this id.
    private Uri DeleteLocation(string webhookId)
    {
        Uri called = this.Context.OriginalRequestUri;
        if (called == null)
        {
            return null;
        }

        UriBuilder builder = new UriBuilder(called);
        string path = builder.Path;
        int at = path.LastIndexOf(WebhookPathPrefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        builder.Path = path.Substring(0, at) + DeletePathBeforeId + Uri.EscapeDataString(webhookId) + DeletePathAfterId;
        builder.Query = string.Empty;
        builder.Fragment = string.Empty;
        return builder.Uri;
    }

    // The webhook id in the service's answer: {"id": <id>}, a string or an integer.
    private static string WebhookIdFrom(byte[] body)
    {
        JObject answer;
        try
        {
            answer = JObject.Parse(Encoding.UTF8.GetString(body));
        }
        catch (JsonReaderException)
        {
            return null;
        }

        JToken data = answer["id"];
        if (data == null)
        {
            return null;
        }

        string id = null;
        if (data.Type == JTokenType.String)
        {
            id = (string)data;
        }
        else if (data.Type == JTokenType.Integer)
        {
            // Qualified: the host also imports System.Xml, which has its own Formatting.
            id = data.ToString(Newtonsoft.Json.Formatting.None);
        }

        return string.IsNullOrWhiteSpace(id) ? null : id.Trim();
    }

    // A buffered copy of the service's content with all its headers (type, length, encoding).
    private static HttpContent CopyContent(HttpContent original, byte[] body)
    {
        ByteArrayContent copy = new ByteArrayContent(body);
        foreach (var header in original.Headers)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}
